import type { Connector, Delivery, Mapped, MappingContext, WebhookRequest } from './connector';
import { majorUnits } from './minor-units';
import {
  eventOf,
  idOf,
  ignored,
  instantOf,
  isObject,
  localDateOf,
  numberOf,
  parseJson,
  textOf,
  unmappable,
  type Json,
} from './payload';
import { hmac, REPLAY_WINDOW_MS, signedByAny, withinWindow } from './verify';

// Stripe-Signature: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">[,v1=…][,v0=…]`; every v1 is
// tried (Stripe sends one per active endpoint secret while one is rolled), other schemes ignored; the
// timestamp within 300 s, Stripe's default tolerance (https://docs.stripe.com/webhooks#verify-manually).
function verify(request: WebhookRequest, secrets: readonly string[], now: number) {
  const header = request.headers['stripe-signature'];
  if (header === undefined) return { ok: false, refusal: 'missing_signature' } as const;
  const pairs = header.split(',').map((p) => p.trim().split('='));
  const t = pairs.find(([k]) => k === 't')?.[1];
  const v1 = pairs.filter(([k, v]) => k === 'v1' && v !== undefined).map(([, v]) => v as string);
  if (t === undefined || !/^\d+$/.test(t) || v1.length === 0)
    return { ok: false, refusal: 'malformed_signature' } as const;
  if (!withinWindow(Number(t) * 1000, now, REPLAY_WINDOW_MS)) return { ok: false, refusal: 'stale_timestamp' } as const;
  const expected = (secret: string) => hmac('sha256', secret, `${t}.${request.body}`, 'hex');
  return v1.some((sig) => signedByAny(secrets, sig, expected).ok)
    ? ({ ok: true } as const)
    : ({ ok: false, refusal: 'bad_signature' } as const);
}

// Finance events may name their team and agent in the Stripe object's metadata.
const attribution = (object: Json) => {
  const metadata = isObject(object.metadata) ? object.metadata : {};
  return { teamId: textOf(metadata.kpi_team_id), agentId: textOf(metadata.kpi_agent_id) };
};

function dueDateOf(invoice: Json, context: MappingContext): string | undefined {
  // an invoice charged automatically has no due date: it is due when finalized
  const at =
    instantOf(invoice.due_date, 'seconds') ??
    instantOf(isObject(invoice.status_transitions) ? invoice.status_transitions.finalized_at : undefined, 'seconds') ??
    instantOf(invoice.created, 'seconds');
  return at === undefined ? undefined : localDateOf(at, context.timeZone);
}

const noDueDate = (id: string): Mapped =>
  unmappable(
    'malformed_payload',
    'data.object.due_date',
    'due_date, status_transitions.finalized_at, created: expected a time',
    id,
  );

function map(delivery: Delivery, context: MappingContext): Mapped[] {
  const event = parseJson(delivery.body);
  if (!isObject(event) || event.object !== 'event' || !isObject(event.data) || !isObject(event.data.object))
    return [unmappable('malformed_payload', 'body', 'body: expected a Stripe event (object "event" with data.object)')];
  const id = textOf(event.id);
  const created = instantOf(event.created, 'seconds');
  if (id === undefined || created === undefined)
    return [unmappable('malformed_payload', 'id', 'id, created: a Stripe event carries both')];
  const object = event.data.object;
  const currency = textOf(object.currency)?.toUpperCase();
  const objectId = idOf(object.id);
  if (objectId === undefined || currency === undefined)
    return [unmappable('malformed_payload', 'data.object', 'data.object: expected its id and currency', id)];
  const amountOf = (field: string): number | undefined => {
    const minor = numberOf(object[field]);
    return minor === undefined ? undefined : majorUnits(minor, currency);
  };
  const transitions = isObject(object.status_transitions) ? object.status_transitions : {};
  switch (event.type) {
    case 'invoice.finalized': {
      const amount = amountOf('amount_due');
      const dueDate = dueDateOf(object, context);
      if (amount === undefined)
        return [unmappable('malformed_payload', 'data.object.amount_due', 'amount_due: expected a number', id)];
      if (dueDate === undefined) return [noDueDate(id)];
      const at = instantOf(transitions.finalized_at, 'seconds') ?? created;
      return [
        eventOf(context, {
          id,
          type: 'invoice.issued',
          time: at,
          subject: objectId,
          data: { ...attribution(object), invoiceId: objectId, amount, currency, dueDate },
        }),
      ];
    }
    case 'invoice.paid': {
      const amount = amountOf('amount_paid');
      const invoiceDueDate = dueDateOf(object, context);
      if (amount === undefined)
        return [unmappable('malformed_payload', 'data.object.amount_paid', 'amount_paid: expected a number', id)];
      if (invoiceDueDate === undefined) return [noDueDate(id)];
      const paymentId = idOf(object.payment_intent) ?? idOf(object.charge) ?? objectId;
      const at = instantOf(transitions.paid_at, 'seconds') ?? created;
      return [
        eventOf(context, {
          id,
          type: 'payment.received',
          time: at,
          subject: objectId,
          data: { ...attribution(object), paymentId, invoiceId: objectId, amount, currency, invoiceDueDate },
        }),
      ];
    }
    case 'invoice.marked_uncollectible': {
      // what was still owed when the invoice was given up on is what is written off (Stripe keeps
      // amount_remaining = amount_due − amount_paid); a later payment of it is a payment.received
      const amount = amountOf('amount_remaining');
      if (amount === undefined)
        return [
          unmappable('malformed_payload', 'data.object.amount_remaining', 'amount_remaining: expected a number', id),
        ];
      const at = instantOf(transitions.marked_uncollectible_at, 'seconds') ?? created;
      return [
        eventOf(context, {
          id,
          type: 'invoice.written_off',
          time: at,
          subject: objectId,
          data: { ...attribution(object), invoiceId: objectId, amount, currency },
        }),
      ];
    }
    case 'charge.refunded': {
      // amount_refunded is the charge's running total: this refund is what it grew by
      const total = amountOf('amount_refunded');
      const before = isObject(event.data.previous_attributes)
        ? numberOf(event.data.previous_attributes.amount_refunded)
        : 0;
      if (total === undefined)
        return [
          unmappable('malformed_payload', 'data.object.amount_refunded', 'amount_refunded: expected a number', id),
        ];
      const amount = Number((total - majorUnits(before ?? 0, currency)).toFixed(3));
      return [
        eventOf(context, {
          id,
          type: 'refund.issued',
          time: created,
          subject: objectId,
          data: { ...attribution(object), amount, currency, orderId: idOf(object.payment_intent) ?? objectId },
        }),
      ];
    }
    default:
      return [ignored(`${String(event.type)}: no KPI meaning`)];
  }
}

export const stripe: Connector = {
  name: 'stripe',
  vendor: 'Stripe',
  eventTypes: ['invoice.issued', 'payment.received', 'invoice.written_off', 'refund.issued'],
  verify,
  redact: (body) => body,
  recordsOf: () => [], // every Stripe event carries its whole object
  map,
};
