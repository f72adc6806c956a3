import { WEBHOOK_HEADERS, webhookSignature } from '#libs/notify';
import type { Connector, Delivery, Mapped, MappingContext, WebhookRequest } from './connector';
import {
  eventOf,
  idOf,
  ignored,
  instantOf,
  isObject,
  numberOf,
  parseJson,
  textOf,
  unmappable,
  type Json,
} from './payload';
import { signedByAny, withinWindow } from './verify';

// Salesforce sends Change Data Capture events over its Pub/Sub and Streaming APIs, not as webhooks: a relay
// (a subscriber the customer runs) posts each event as JSON. It signs the way KPI Pulse signs its own
// webhooks (docs/alerts.md, "Generic webhook"): X-KPI-Pulse-Timestamp (unix seconds) and
// X-KPI-Pulse-Signature `v1=<hex HMAC-SHA256 of "<timestamp>.<body>">`, within 5 minutes.
function verify(request: WebhookRequest, secrets: readonly string[], now: number) {
  const signature = request.headers[WEBHOOK_HEADERS.signature];
  const timestamp = request.headers[WEBHOOK_HEADERS.timestamp];
  if (signature === undefined || timestamp === undefined) return { ok: false, refusal: 'missing_signature' } as const;
  if (!/^\d+$/.test(timestamp) || !signature.startsWith('v1='))
    return { ok: false, refusal: 'malformed_signature' } as const;
  if (!withinWindow(Number(timestamp) * 1000, now)) return { ok: false, refusal: 'stale_timestamp' } as const;
  return signedByAny(secrets, signature, (secret) => webhookSignature(secret, timestamp, request.body));
}

// The relayed message: the Streaming API's shape, `{ channel, data: { schema, payload, event: { replayId } } }`;
// an array of them is a batch. The payload holds the ChangeEventHeader and the fields that changed (an
// UPDATE) or all the record's fields (a CREATE).
// Each message of a batch is read on its own: one that is not a change event is named, the others count.
function messagesOf(delivery: Delivery): (Json | undefined)[] {
  const body = parseJson(delivery.body);
  const messages = Array.isArray(body) ? body : [body];
  return messages.map((m) => {
    const payload = isObject(m) && isObject(m.data) ? m.data.payload : undefined;
    return isObject(payload) && isObject(payload.ChangeEventHeader) ? payload : undefined;
  });
}
const payloadsOf = (delivery: Delivery): Json[] => messagesOf(delivery).filter((p) => p !== undefined);

const headerOf = (payload: Json): Json => payload.ChangeEventHeader as Json;
const recordIdsOf = (payload: Json): string[] => {
  const ids = headerOf(payload).recordIds;
  return Array.isArray(ids) ? ids.flatMap((id) => idOf(id) ?? []) : [];
};

// What the opportunity's earlier changes said: its amount, currency, owner and creation.
function history(recordId: string, payloads: readonly Json[]) {
  const known: { amount?: number; currency?: string; owner?: string; createdAt?: number } = {};
  for (const p of payloads) {
    if (!recordIdsOf(p).includes(recordId)) continue;
    const header = headerOf(p);
    if (header.changeType === 'CREATE')
      known.createdAt = instantOf(p.CreatedDate, 'iso') ?? instantOf(header.commitTimestamp, 'ms');
    // a field in a change was changed: a null (or one of nulledFields) clears what was known, never kept stale
    const nulled = Array.isArray(header.nulledFields) ? header.nulledFields : [];
    const changed = (field: string) => field in p || nulled.includes(field);
    if (changed('Amount')) known.amount = numberOf(p.Amount);
    if (changed('CurrencyIsoCode')) known.currency = textOf(p.CurrencyIsoCode);
    if (changed('OwnerId')) known.owner = idOf(p.OwnerId);
  }
  return known;
}

function mapRecord(payload: Json, recordId: string, before: readonly Json[], context: MappingContext): Mapped {
  const header = headerOf(payload);
  const at = instantOf(header.commitTimestamp, 'ms');
  const transaction = textOf(header.transactionKey);
  if (header.entityName !== 'Opportunity') return ignored(`${String(header.entityName)}: not an Opportunity`);
  if (at === undefined || transaction === undefined)
    return unmappable(
      'malformed_payload',
      'ChangeEventHeader',
      'ChangeEventHeader: expected commitTimestamp and transactionKey',
    );
  // a change is one (transaction, sequence) of Salesforce's; merged changes list several records
  const id = `${transaction}:${idOf(header.sequenceNumber) ?? '0'}:${recordId}`;
  const known = history(recordId, [...before, payload]);
  const currency = known.currency ?? context.currency;
  const agentId = known.owner;
  switch (header.changeType) {
    case 'CREATE':
      return eventOf(context, {
        id,
        type: 'crm.deal.created',
        time: at,
        subject: recordId,
        data: {
          agentId,
          dealId: recordId,
          stage: textOf(payload.StageName),
          ...(known.amount !== undefined && currency !== undefined ? { amount: known.amount, currency } : {}),
        },
      });
    case 'UPDATE': {
      const sqlAt = known.createdAt === undefined ? undefined : new Date(known.createdAt).toISOString();
      if (payload.IsWon === true) {
        const missing = [
          known.amount === undefined ? 'Amount' : undefined,
          currency === undefined ? 'CurrencyIsoCode' : undefined,
          sqlAt === undefined ? 'CreatedDate' : undefined,
        ].filter((f) => f !== undefined);
        if (missing.length > 0)
          return unmappable(
            'missing_field',
            'data.amount',
            `opportunity ${recordId} won: ${missing.join(', ')} not in this change nor in the source's earlier ones (relay its CREATE event too)`,
            id,
          );
        return eventOf(context, {
          id,
          type: 'crm.deal.won',
          time: at,
          subject: recordId,
          data: { agentId, dealId: recordId, amount: known.amount, currency, sqlAt },
        });
      }
      if (payload.IsClosed === true && payload.IsWon === false)
        return eventOf(context, {
          id,
          type: 'crm.deal.lost',
          time: at,
          subject: recordId,
          data: { agentId, dealId: recordId, sqlAt },
        });
      return ignored(`opportunity ${recordId} ${String(header.changeType)}: neither won nor lost`);
    }
    default:
      return ignored(`opportunity ${String(header.changeType)}: no KPI meaning`);
  }
}

function map(delivery: Delivery, context: MappingContext): Mapped[] {
  const messages = messagesOf(delivery);
  const earlier = context.earlier.flatMap(payloadsOf);
  return messages.flatMap((payload, i) => {
    if (payload === undefined)
      return [
        unmappable(
          'malformed_payload',
          messages.length === 1 ? 'body' : `body[${i}]`,
          `${messages.length === 1 ? 'body' : `body[${i}]`}: expected a change event message, { data: { payload: { ChangeEventHeader, … } } }`,
        ),
      ];
    const ids = recordIdsOf(payload);
    if (ids.length === 0)
      return [
        unmappable(
          'malformed_payload',
          'ChangeEventHeader.recordIds',
          'ChangeEventHeader.recordIds: expected the record ids',
        ),
      ];
    const before = messages.slice(0, i).filter((p) => p !== undefined);
    return ids.map((recordId) => mapRecord(payload, recordId, [...earlier, ...before], context));
  });
}

export const salesforce: Connector = {
  name: 'salesforce',
  vendor: 'Salesforce',
  eventTypes: ['crm.deal.created', 'crm.deal.won', 'crm.deal.lost'],
  verify,
  redact: (body) => body,
  recordsOf: (delivery) => payloadsOf(delivery).flatMap((p) => recordIdsOf(p).map((id) => `opportunity:${id}`)),
  map,
};
