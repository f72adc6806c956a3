import type { ChannelConfig, HttpChannel, HttpRequest, RenderedMessage } from './channel';
import { renderDingTalk, signDingTalk } from './dingtalk.channel';
import { renderEmail } from './email.channel';
import { renderFeishu, signFeishu } from './feishu.channel';
import type { Notification } from './notification';
import { renderSlack, signSlack } from './slack.channel';
import { renderWebhook, signWebhook } from './webhook.channel';
import { renderWeCom, signWeCom } from './wecom.channel';

// A notification in the channel's format, ready for the outbox (signing happens at each try).
export function renderFor(channel: ChannelConfig, n: Notification): RenderedMessage {
  switch (channel.kind) {
    case 'webhook':
      return { kind: 'http', key: n.key, payload: renderWebhook(n) };
    case 'dingtalk':
      return { kind: 'http', key: n.key, payload: renderDingTalk(n) };
    case 'wecom':
      return { kind: 'http', key: n.key, payload: renderWeCom(n) };
    case 'feishu':
      return { kind: 'http', key: n.key, payload: renderFeishu(n) };
    case 'slack':
      return { kind: 'http', key: n.key, payload: renderSlack(n) };
    case 'email':
      return renderEmail(n);
  }
}

// The HTTP request for one try at `now` (ms), signed the vendor's way.
export function signedRequest(
  channel: HttpChannel,
  message: Extract<RenderedMessage, { kind: 'http' }>,
  now: number,
): HttpRequest {
  switch (channel.kind) {
    case 'webhook':
      return signWebhook(channel.url, channel.secret, message.key, message.payload, now);
    case 'dingtalk':
      return signDingTalk(channel.url, channel.secret, message.payload, now);
    case 'wecom':
      return signWeCom(channel.url, message.payload);
    case 'feishu':
      return signFeishu(channel.url, channel.secret, message.payload, now);
    case 'slack':
      return signSlack(channel.url, message.payload);
  }
}

const textOr = (v: unknown, fallback: string): string => (typeof v === 'string' ? v : fallback);

function jsonOf(body: string): Record<string, unknown> | null {
  try {
    const parsed: unknown = JSON.parse(body);
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

// Why a vendor's answer is a failure, or null when it took the message. The chat robots answer HTTP 200
// with an error code in the body: DingTalk and WeCom `errcode` ≠ 0 (DingTalk 310000: bad sign or stale
// timestamp), Feishu `code` ≠ 0 (19021: bad sign or stale timestamp; older hooks answer `StatusCode`);
// Slack answers the text `ok`.
export function vendorFailure(kind: HttpChannel['kind'], status: number, body: string): string | null {
  const excerpt = body.slice(0, 200);
  if (status < 200 || status >= 300) return `HTTP ${status}: ${excerpt}`;
  switch (kind) {
    case 'webhook':
      return null;
    case 'slack':
      return body.trim() === 'ok' ? null : `Slack answered: ${excerpt}`;
    case 'dingtalk':
    case 'wecom': {
      const json = jsonOf(body);
      const code = json?.errcode;
      return code === 0 ? null : `errcode ${String(code)}: ${textOr(json?.errmsg, excerpt)}`;
    }
    case 'feishu': {
      const json = jsonOf(body);
      const code = json?.code ?? json?.StatusCode;
      return code === 0 ? null : `code ${String(code)}: ${textOr(json?.msg ?? json?.StatusMessage, excerpt)}`;
    }
  }
}
