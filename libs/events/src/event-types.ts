// The event types of contract v1.1 (docs/events.md), including the KPI Pulse extension kpi.manual_score.
export const EVENT_TYPES = [
  'crm.lead.created',
  'crm.lead.qualified',
  'crm.deal.created',
  'crm.deal.stage_changed',
  'crm.deal.won',
  'crm.deal.lost',
  'crm.inquiry.received',
  'crm.order.paid',
  'ticket.created',
  'ticket.replied',
  'ticket.solved',
  'ticket.reopened',
  'ticket.rated',
  'call.ended',
  'invoice.issued',
  'payment.received',
  'invoice.written_off',
  'refund.issued',
  'kpi.manual_score',
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

const KNOWN: ReadonlySet<string> = new Set(EVENT_TYPES);

export function isEventType(value: string): value is EventType {
  return KNOWN.has(value);
}
