import type { Connector, Delivery, Mapped, MappingContext, WebhookRequest } from './connector';
import { eventOf, idOf, ignored, instantOf, isObject, parseJson, seconds, unmappable, unmeasured } from './payload';
import { signedByAny } from './verify';

// Aircall signs nothing: every event's body carries the webhook's `token`, which the receiver compares
// with the one Aircall showed when the webhook was created (https://developer.aircall.io/docs/webhooks).
// The token does not cover the body or a time, so there is no window: a replay is a duplicate by id.
function verify(request: WebhookRequest, secrets: readonly string[]) {
  const body = parseJson(request.body);
  if (!isObject(body) || body.token === undefined) return { ok: false, refusal: 'missing_signature' } as const;
  if (typeof body.token !== 'string') return { ok: false, refusal: 'malformed_signature' } as const;
  return signedByAny(secrets, body.token, (secret) => secret);
}

// `{ resource: "call", event: "call.ended", timestamp, token, data: <the call> }`: the call's times are
// unix seconds; answered_at is null for a missed call.
function map(delivery: Delivery, context: MappingContext): Mapped[] {
  const body = parseJson(delivery.body);
  if (!isObject(body) || typeof body.event !== 'string' || !isObject(body.data))
    return [
      unmappable('malformed_payload', 'body', 'body: expected an Aircall event { resource, event, timestamp, data }'),
    ];
  if (body.event !== 'call.ended') return [ignored(`${body.event}: no KPI meaning`)];
  const call = body.data;
  const callId = idOf(call.id);
  const started = instantOf(call.started_at, 'seconds');
  const ended = instantOf(call.ended_at, 'seconds');
  if (callId === undefined || started === undefined || ended === undefined)
    return [unmappable('malformed_payload', 'data', 'data: expected the call id, started_at and ended_at')];
  const answered = instantOf(call.answered_at, 'seconds');
  const agentId = isObject(call.user) ? idOf(call.user.id) : undefined;
  return [
    eventOf(context, {
      id: `call-${callId}`, // call.ended fires once per call; a redelivery keeps the id
      type: 'call.ended',
      time: ended,
      subject: callId,
      data: {
        agentId,
        callId,
        answered: answered !== undefined,
        talkSeconds: answered === undefined ? 0 : seconds(answered, ended),
        waitSeconds: seconds(started, answered ?? ended),
        ...unmeasured('holdSeconds', 'wrapSeconds'),
      },
    }),
  ];
}

export const aircall: Connector = {
  name: 'aircall',
  vendor: 'Aircall',
  eventTypes: ['call.ended'],
  verify,
  // the token is a secret: the kept body has it replaced
  redact: (body) => {
    const parsed = parseJson(body);
    return isObject(parsed) && 'token' in parsed ? JSON.stringify({ ...parsed, token: '***' }) : body;
  },
  recordsOf: () => [],
  map,
};
