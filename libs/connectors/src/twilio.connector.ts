import type { Connector, Delivery, Mapped, MappingContext, WebhookRequest } from './connector';
import { eventOf, ignored, numberOf, unmappable, unmeasured } from './payload';
import { hmac, signedByAny } from './verify';

const paramsOf = (body: string): [string, string][] => [...new URLSearchParams(body).entries()];

// X-Twilio-Signature: base64 HMAC-SHA1, with the account's Auth Token, of the full URL Twilio called
// followed by each POST parameter's name and value, sorted by name, without separators
// (https://www.twilio.com/docs/usage/security#validating-requests). No timestamp is signed: a replay is
// a duplicate by id.
function verify(request: WebhookRequest, secrets: readonly string[]) {
  const signature = request.headers['x-twilio-signature'];
  if (signature === undefined) return { ok: false, refusal: 'missing_signature' } as const;
  const sorted = paramsOf(request.body).sort(([ka, va], [kb, vb]) => (ka === kb ? cmp(va, vb) : cmp(ka, kb)));
  const text = request.url + sorted.map(([k, v]) => k + v).join('');
  return signedByAny(secrets, signature, (secret) => hmac('sha1', secret, text, 'base64'));
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

const FINAL = new Set(['completed', 'busy', 'no-answer', 'failed', 'canceled']);

// A Twilio Client leg (`client:alice`) names the agent who took the call.
const clientOf = (address: string | undefined): string | undefined =>
  address?.startsWith('client:') === true && address.length > 'client:'.length
    ? address.slice('client:'.length)
    : undefined;

// A voice status callback, form-encoded: CallSid, CallStatus, CallDuration (seconds, on completed),
// Timestamp (RFC 2822), From, To… Only a call's final status is a call.ended.
function map(delivery: Delivery, context: MappingContext): Mapped[] {
  const params = new Map(paramsOf(delivery.body));
  const callSid = params.get('CallSid');
  const status = params.get('CallStatus');
  if (callSid === undefined || !/^CA[0-9a-fA-F]{32}$/.test(callSid) || status === undefined)
    return [unmappable('malformed_payload', 'CallSid', 'CallSid, CallStatus: expected a Twilio voice status callback')];
  if (!FINAL.has(status)) return [ignored(`call ${callSid} ${status}: not a final status`)];
  const at = Date.parse(params.get('Timestamp') ?? '');
  const answered = status === 'completed';
  const duration = numberOf(params.get('CallDuration'));
  if (answered && duration === undefined)
    return [unmappable('malformed_payload', 'CallDuration', `call ${callSid} completed: CallDuration is missing`)];
  return [
    eventOf(context, {
      id: `${callSid}-${status}`,
      type: 'call.ended',
      time: Number.isFinite(at) ? at : delivery.receivedAt,
      subject: callSid,
      data: {
        agentId: clientOf(params.get('To')) ?? clientOf(params.get('From')),
        callId: callSid,
        answered,
        talkSeconds: answered ? (duration ?? 0) : 0,
        ...unmeasured('holdSeconds', 'wrapSeconds', 'waitSeconds'),
      },
    }),
  ];
}

export const twilio: Connector = {
  name: 'twilio',
  vendor: 'Twilio',
  eventTypes: ['call.ended'],
  verify,
  redact: (body) => body,
  recordsOf: () => [],
  map,
};
