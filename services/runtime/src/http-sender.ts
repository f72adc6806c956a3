import { redact, secretsOf, signedRequest, vendorFailure, type HttpChannel, type RenderedMessage } from '#libs/notify';

export interface HttpSenderOptions {
  timeoutMs: number; // shorter than the delivery runner's lease
}

// Posts a rendered message to a webhook, DingTalk, WeCom, Feishu or Slack, signed at the moment of the
// try. A vendor's error in a 200 answer (DingTalk's errcode, Feishu's code) is a failure like a 5xx.
// Errors never carry the channel's secrets or URL tokens.
export class HttpSender {
  constructor(private readonly options: HttpSenderOptions = { timeoutMs: 10_000 }) {}

  async send(channel: HttpChannel, message: Extract<RenderedMessage, { kind: 'http' }>, now: number): Promise<void> {
    const request = signedRequest(channel, message, now);
    let status: number;
    let body: string;
    try {
      const response = await fetch(request.url, {
        method: 'POST',
        headers: request.headers,
        body: request.body,
        signal: AbortSignal.timeout(this.options.timeoutMs),
        redirect: 'error',
      });
      status = response.status;
      body = await response.text();
    } catch (err) {
      throw new Error(redact(`${channel.kind}: ${describe(err)}`, secretsOf(channel)));
    }
    const failure = vendorFailure(channel.kind, status, body);
    if (failure !== null) throw new Error(redact(`${channel.kind}: ${failure}`, secretsOf(channel)));
  }
}

// fetch's own message is "fetch failed"; the reason (ECONNREFUSED, a timeout) is in its cause
function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  if (err.name === 'TimeoutError') return `no answer in time (${err.message})`;
  const cause = err.cause instanceof Error ? `: ${err.cause.message}` : '';
  return `${err.message}${cause}`;
}
