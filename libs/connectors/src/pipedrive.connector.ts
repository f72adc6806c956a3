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
import { basicAuth } from './verify';

// Pipedrive signs nothing: a webhook is created with http_auth_user and http_auth_password, sent as
// HTTP Basic credentials on every delivery (https://pipedrive.readme.io/docs/guide-for-webhooks-v2).
const verify = (request: WebhookRequest, secrets: readonly string[]) =>
  basicAuth(request.headers.authorization, secrets);

// Pipedrive's times: ISO 8601 in webhooks v2, `YYYY-MM-DD HH:MM:SS` (UTC) in the v1 API's objects.
const timeOf = (value: unknown): number | undefined =>
  typeof value === 'string' && /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(value)
    ? instantOf(`${value.replace(' ', 'T')}Z`, 'iso')
    : (instantOf(value, 'iso') ?? instantOf(value, 'seconds'));

// Webhooks v2: `{ meta: { action, entity, … }, data: <the deal after>, previous: <its changed fields before> }`.
function map(delivery: Delivery, context: MappingContext): Mapped[] {
  const body = parseJson(delivery.body);
  if (!isObject(body) || !isObject(body.meta) || !isObject(body.data))
    return [
      unmappable(
        'malformed_payload',
        'body',
        'body: expected a Pipedrive webhooks v2 payload { meta, data, previous }',
      ),
    ];
  const { meta, data } = body;
  if (meta.version !== '2.0')
    return [unmappable('malformed_payload', 'meta.version', 'meta.version: expected "2.0" (webhooks v2)')];
  if (meta.entity !== 'deal') return [ignored(`${String(meta.entity)}: no KPI meaning`)];
  const dealId = idOf(data.id);
  if (dealId === undefined) return [unmappable('malformed_payload', 'data.id', 'data.id: expected the deal id')];
  const previous: Json = isObject(body.previous) ? body.previous : {};
  const agentId = idOf(data.owner_id);
  const sqlAt = timeOf(data.add_time);
  const status = data.status;
  if (meta.action === 'create')
    return [
      eventOf(context, {
        id: `deal-${dealId}-created`,
        type: 'crm.deal.created',
        time: sqlAt ?? delivery.receivedAt,
        subject: dealId,
        data: { agentId, dealId, ...amountOf(data) },
      }),
    ];
  // a change that is not the status moving to won or lost (a stage move, a rename) has no KPI meaning
  if (
    meta.action !== 'change' ||
    !('status' in previous) ||
    previous.status === status ||
    (status !== 'won' && status !== 'lost')
  )
    return [ignored(`deal ${dealId} ${String(meta.action)}: the status did not move to won or lost`)];
  const at = timeOf(status === 'won' ? data.won_time : data.lost_time) ?? timeOf(meta.timestamp);
  if (at === undefined)
    return [
      unmappable('malformed_payload', `data.${String(status)}_time`, `data.${String(status)}_time: expected a time`),
    ];
  // the same deal may be won again after a reopen: the time tells the two apart, a redelivery keeps it
  const id = `deal-${dealId}-${status}-${at}`;
  if (status === 'lost')
    return [
      eventOf(context, {
        id,
        type: 'crm.deal.lost',
        time: at,
        subject: dealId,
        data: { agentId, dealId, sqlAt: sqlAt === undefined ? undefined : new Date(sqlAt).toISOString() },
      }),
    ];
  const amount = amountOf(data);
  if (amount.amount === undefined || sqlAt === undefined)
    return [
      unmappable('missing_field', 'data.value', `deal ${dealId} won: value, currency and add_time are required`, id),
    ];
  return [
    eventOf(context, {
      id,
      type: 'crm.deal.won',
      time: at,
      subject: dealId,
      data: { agentId, dealId, ...amount, sqlAt: new Date(sqlAt).toISOString() },
    }),
  ];
}

const amountOf = (deal: Json): { amount?: number; currency?: string } => {
  const amount = numberOf(deal.value);
  const currency = textOf(deal.currency)?.toUpperCase();
  return amount === undefined || currency === undefined ? {} : { amount, currency };
};

export const pipedrive: Connector = {
  name: 'pipedrive',
  vendor: 'Pipedrive',
  eventTypes: ['crm.deal.created', 'crm.deal.won', 'crm.deal.lost'],
  verify,
  redact: (body) => body,
  recordsOf: () => [], // a v2 payload holds the whole deal
  map,
};
