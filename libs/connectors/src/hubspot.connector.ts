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
import { hmac, signedByAny, withinWindow } from './verify';

// HubSpot decodes these in the URI it signs (request validation, v3); the rest stays encoded.
const DECODED: Record<string, string> = {
  '%3A': ':',
  '%2F': '/',
  '%3F': '?',
  '%40': '@',
  '%21': '!',
  '%24': '$',
  '%27': "'",
  '%28': '(',
  '%29': ')',
  '%2A': '*',
  '%2C': ',',
  '%3B': ';',
};
const signedUri = (url: string): string =>
  url.replace(/%(3A|2F|3F|40|21|24|27|28|29|2A|2C|3B)/gi, (m) => DECODED[m.toUpperCase()] ?? m);

// X-HubSpot-Signature-v3: base64 HMAC-SHA256, with the app's client secret, of method + URI + body +
// X-HubSpot-Request-Timestamp (epoch ms); a timestamp older than 5 minutes is refused
// (https://developers.hubspot.com/docs/api/webhooks/validating-requests).
function verify(request: WebhookRequest, secrets: readonly string[], now: number) {
  const signature = request.headers['x-hubspot-signature-v3'];
  const timestamp = request.headers['x-hubspot-request-timestamp'];
  if (signature === undefined || timestamp === undefined) return { ok: false, refusal: 'missing_signature' } as const;
  if (!/^\d+$/.test(timestamp)) return { ok: false, refusal: 'malformed_signature' } as const;
  if (!withinWindow(Number(timestamp), now)) return { ok: false, refusal: 'stale_timestamp' } as const;
  const text = `${request.method.toUpperCase()}${signedUri(request.url)}${request.body}${timestamp}`;
  return signedByAny(secrets, signature, (secret) => hmac('sha256', secret, text, 'base64'));
}

// A HubSpot webhook is a batch: an array of up to 100 events, each mapped on its own (an item that is
// not an event object is named, the others still count).
const batchOf = (delivery: Delivery): unknown[] | undefined => {
  const body = parseJson(delivery.body);
  return Array.isArray(body) ? body : undefined;
};
const itemsOf = (delivery: Delivery): Json[] => (batchOf(delivery) ?? []).filter(isObject);

const dealOf = (item: Json): string | undefined => idOf(item.objectId);

function recordsOf(delivery: Delivery): string[] {
  return itemsOf(delivery).flatMap((item) => {
    const id = dealOf(item);
    return id !== undefined && String(item.subscriptionType).startsWith('deal.') ? [`deal:${id}`] : [];
  });
}

// What the deal's earlier events said: its amount and currency (property changes HubSpot sends when
// the app subscribes to them) and when it was created (its SQL moment: a HubSpot deal starts as one).
function dealHistory(dealId: string, items: readonly Json[]) {
  let amount: number | undefined;
  let currency: string | undefined;
  let createdAt: number | undefined;
  for (const item of items) {
    if (idOf(item.objectId) !== dealId) continue;
    if (item.subscriptionType === 'deal.creation') createdAt = instantOf(item.occurredAt, 'ms');
    if (item.subscriptionType !== 'deal.propertyChange') continue;
    if (item.propertyName === 'amount') amount = numberOf(item.propertyValue);
    if (item.propertyName === 'deal_currency_code') currency = textOf(item.propertyValue)?.toUpperCase();
  }
  return { amount, currency, createdAt };
}

function mapItem(item: Json, before: readonly Json[], context: MappingContext): Mapped {
  const eventId = idOf(item.eventId);
  const at = instantOf(item.occurredAt, 'ms');
  const objectId = dealOf(item);
  if (eventId === undefined || at === undefined || objectId === undefined)
    return unmappable(
      'malformed_payload',
      'eventId',
      'eventId, occurredAt, objectId: every HubSpot event carries them',
    );
  // HubSpot's eventId is unique per subscription; redeliveries keep both
  const id = `${idOf(item.portalId) ?? '-'}-${idOf(item.subscriptionId) ?? '-'}-${eventId}`;
  switch (item.subscriptionType) {
    case 'contact.creation':
      return eventOf(context, {
        id,
        type: 'crm.lead.created',
        time: at,
        subject: objectId,
        data: { leadId: objectId },
      });
    case 'deal.creation':
      return eventOf(context, {
        id,
        type: 'crm.deal.created',
        time: at,
        subject: objectId,
        data: { dealId: objectId },
      });
    case 'deal.propertyChange': {
      if (item.propertyName !== 'dealstage')
        return ignored(`deal.propertyChange ${String(item.propertyName)}: kept as history`);
      const history = dealHistory(objectId, before);
      const sqlAt = history.createdAt === undefined ? undefined : new Date(history.createdAt).toISOString();
      if (item.propertyValue === 'closedlost')
        return eventOf(context, {
          id,
          type: 'crm.deal.lost',
          time: at,
          subject: objectId,
          data: { dealId: objectId, sqlAt },
        });
      if (item.propertyValue !== 'closedwon')
        return ignored(`dealstage ${String(item.propertyValue)}: neither won nor lost`);
      const currency = history.currency ?? context.currency;
      const missing = [
        history.amount === undefined ? 'amount' : undefined,
        currency === undefined ? 'deal_currency_code' : undefined,
        sqlAt === undefined ? 'deal.creation' : undefined,
      ].filter((f) => f !== undefined);
      if (missing.length > 0)
        return unmappable(
          'missing_field',
          'data.amount',
          `deal ${objectId} won: ${missing.join(', ')} not in this webhook nor in the source's earlier ones (subscribe to deal.creation and the amount and deal_currency_code property changes)`,
          id,
        );
      return eventOf(context, {
        id,
        type: 'crm.deal.won',
        time: at,
        subject: objectId,
        data: { dealId: objectId, amount: history.amount, currency, sqlAt },
      });
    }
    default:
      return ignored(`${String(item.subscriptionType)}: no KPI meaning`);
  }
}

function map(delivery: Delivery, context: MappingContext): Mapped[] {
  const batch = batchOf(delivery);
  if (batch === undefined)
    return [unmappable('malformed_payload', 'body', 'body: expected a HubSpot batch, a JSON array of events')];
  const history = context.earlier.flatMap(itemsOf);
  // events of one batch come in order: a deal's amount change before its stage change counts for it
  return batch.map((item, i) =>
    isObject(item)
      ? mapItem(item, [...history, ...batch.slice(0, i).filter(isObject)], context)
      : unmappable('malformed_payload', `body[${i}]`, `body[${i}]: expected a HubSpot event object`),
  );
}

export const hubspot: Connector = {
  name: 'hubspot',
  vendor: 'HubSpot',
  eventTypes: ['crm.lead.created', 'crm.deal.created', 'crm.deal.won', 'crm.deal.lost'],
  verify,
  redact: (body) => body,
  recordsOf,
  map,
};
