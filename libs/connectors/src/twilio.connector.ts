import type { Connector, Delivery, Mapped, MappingContext, WebhookRequest } from './connector';
import { eventOf, ignored, numberOf, unmappable, unmeasured } from './payload';
import { hmac, signedByAny } from './verify';

// The form's parameters by name, each with its distinct values in the order sent (a repeated key, such
// as a list, has several).
function paramsOf(body: string): Map<string, string[]> {
  const params = new Map<string, string[]>();
  for (const [name, value] of new URLSearchParams(body)) {
    const values = params.get(name) ?? [];
    if (!values.includes(value)) values.push(value);
    params.set(name, values);
  }
  return params;
}

// X-Twilio-Signature: base64 HMAC-SHA1, with the account's Auth Token, of the full URL Twilio called
// followed by each POST parameter's name and value, sorted by name, without separators
// (https://www.twilio.com/docs/usage/security#validating-requests); a repeated name's distinct values
// sorted, each after the name, as Twilio's own libraries do. No timestamp is signed: a replay is a
// duplicate by id.
function verify(request: WebhookRequest, secrets: readonly string[]) {
  const signature = request.headers['x-twilio-signature'];
  if (signature === undefined) return { ok: false, refusal: 'missing_signature' } as const;
  const params = paramsOf(request.body);
  const names = [...params.keys()].sort();
  const text =
    request.url + names.flatMap((name) => [...(params.get(name) ?? [])].sort().map((v) => name + v)).join('');
  return signedByAny(secrets, signature, (secret) => hmac('sha1', secret, text, 'base64'));
}

// A parameter the mapping reads: its value, absent, or sent with two different values.
function single(params: Map<string, string[]>, name: string): { value: string | undefined } | { ambiguous: true } {
  const values = params.get(name) ?? [];
  return values.length > 1 ? { ambiguous: true } : { value: values[0] };
}

const FINAL = new Set(['completed', 'busy', 'no-answer', 'failed', 'canceled']);

// A Twilio Client leg (`client:alice`) names the agent who took the call.
const clientOf = (address: string | undefined): string | undefined =>
  address?.startsWith('client:') === true && address.length > 'client:'.length
    ? address.slice('client:'.length)
    : undefined;

// A voice status callback, form-encoded: CallSid, CallStatus, CallDuration (seconds, on completed),
// Timestamp (RFC 2822), From, To… Only a call's final status is a call.ended.
function map(delivery: Delivery, context: MappingContext): Mapped[] {
  const all = paramsOf(delivery.body);
  const read = ['CallSid', 'CallStatus', 'CallDuration', 'Timestamp', 'To', 'From'] as const;
  const params = new Map<string, string | undefined>();
  for (const name of read) {
    const param = single(all, name);
    if ('ambiguous' in param)
      return [unmappable('malformed_payload', name, `${name}: sent more than once with different values`)];
    params.set(name, param.value);
  }
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
