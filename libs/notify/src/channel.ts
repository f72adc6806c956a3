// Where a subscription sends its messages. Secrets (the webhook secret, DingTalk's and Feishu's signing
// secrets) and the tokens inside the URLs (DingTalk access_token, WeCom key, Feishu and Slack hook paths)
// are credentials: never log them (redact) and never return them from the API.
export type ChannelConfig =
  | { kind: 'webhook'; url: string; secret: string }
  | { kind: 'dingtalk'; url: string; secret: string | null }
  | { kind: 'wecom'; url: string }
  | { kind: 'feishu'; url: string; secret: string | null }
  | { kind: 'slack'; url: string }
  | { kind: 'email'; to: readonly string[] };

export type HttpChannel = Exclude<ChannelConfig, { kind: 'email' }>;
export type ChannelKind = ChannelConfig['kind'];

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

// A message rendered for its channel, before signing: signatures carry the moment of sending (DingTalk
// and Feishu refuse a timestamp older than an hour), so a retry signs again.
export type RenderedMessage =
  | { kind: 'http'; key: string; payload: JsonObject }
  | { kind: 'email'; key: string; subject: string; text: string; html: string };

export interface HttpRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

// The credentials in a channel's config, longest first (so a secret containing another is cut whole).
export function secretsOf(config: ChannelConfig): string[] {
  const found: string[] = [];
  if ((config.kind === 'webhook' || config.kind === 'dingtalk' || config.kind === 'feishu') && config.secret) {
    found.push(config.secret);
  }
  if (config.kind !== 'email') {
    found.push(config.url);
    const url = URL.canParse(config.url) ? new URL(config.url) : null;
    if (url !== null) {
      for (const value of url.searchParams.values()) if (value.length >= 8) found.push(value);
      for (const segment of url.pathname.split('/')) if (segment.length >= 16) found.push(segment);
    }
  }
  return [...new Set(found)].sort((a, b) => b.length - a.length);
}

export function redact(text: string, secrets: readonly string[]): string {
  return secrets.reduce((t, s) => (s === '' ? t : t.split(s).join('***')), text);
}
