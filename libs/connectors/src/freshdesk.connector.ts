import type { TicketChannel } from '#libs/events';
import type { Connector, Delivery, Mapped, MappingContext, WebhookRequest } from './connector';
import {
  digestOf,
  eventOf,
  idOf,
  ignored,
  isObject,
  parseJson,
  seconds,
  textOf,
  unmappable,
  unmeasured,
  type Json,
} from './payload';
import { basicAuth } from './verify';

// A Freshdesk automation rule's "Trigger webhook" action sends the body the rule's author writes, with
// placeholders, and HTTP Basic credentials when "Requires authentication" is set (username and
// password, or an API key). docs/connectors.md gives the body KPI Pulse reads:
// { "freshdesk_webhook": { "event": "ticket_created" | "customer_replied" | "ticket_resolved",
//   "ticket_id": "{{ticket.id}}", "ticket_source": "{{ticket.source}}", "ticket_priority": "{{ticket.priority}}",
//   "ticket_agent_email": "{{ticket.agent.email}}" } }
const verify = (request: WebhookRequest, secrets: readonly string[]) =>
  basicAuth(request.headers.authorization, secrets);

// Freshdesk's ticket source names → the contract's channel.
const CHANNELS: Record<string, TicketChannel> = {
  email: 'email',
  portal: 'web',
  'feedback widget': 'web',
  'outbound email': 'email',
  chat: 'chat',
  phone: 'phone',
  whatsapp: 'chat',
  'facebook messenger': 'chat',
};

function webhookOf(delivery: Delivery): Json | undefined {
  const body = parseJson(delivery.body);
  return isObject(body) && isObject(body.freshdesk_webhook) ? body.freshdesk_webhook : undefined;
}

function map(delivery: Delivery, context: MappingContext): Mapped[] {
  const hook = webhookOf(delivery);
  if (hook === undefined)
    return [unmappable('malformed_payload', 'body', 'body: expected { "freshdesk_webhook": { event, ticket_id, … } }')];
  const ticketId = idOf(hook.ticket_id);
  const kind = textOf(hook.event);
  if (ticketId === undefined || kind === undefined)
    return [
      unmappable('malformed_payload', 'freshdesk_webhook.ticket_id', 'freshdesk_webhook: expected event and ticket_id'),
    ];
  // Freshdesk retries a failed delivery with the same body: its digest is the event's id
  const id = `${ticketId}-${kind}-${digestOf(delivery.body)}`;
  const agentId = textOf(hook.ticket_agent_email);
  // the rule fires as the ticket changes: the delivery's arrival is the event's time
  const at = delivery.receivedAt;
  const earlier = context.earlier.flatMap((d) => {
    const h = webhookOf(d);
    return h !== undefined && idOf(h.ticket_id) === ticketId ? [{ kind: textOf(h.event), at: d.receivedAt }] : [];
  });
  switch (kind) {
    case 'ticket_created': {
      const source = textOf(hook.ticket_source)?.toLowerCase();
      const channel = source !== undefined && Object.hasOwn(CHANNELS, source) ? CHANNELS[source] : undefined;
      if (channel === undefined)
        return [
          unmappable(
            'missing_field',
            'data.channel',
            `ticket_source: ${String(source)} is not a channel KPI Pulse maps`,
            id,
          ),
        ];
      return [
        eventOf(context, {
          id,
          type: 'ticket.created',
          time: at,
          subject: ticketId,
          data: { agentId, ticketId, channel, priority: textOf(hook.ticket_priority)?.toLowerCase() },
        }),
      ];
    }
    case 'customer_replied':
      return [ignored(`ticket ${ticketId}: a customer reply, kept as history (contacts)`)];
    case 'ticket_resolved': {
      const created = earlier.find((e) => e.kind === 'ticket_created')?.at;
      if (created === undefined)
        return [
          unmappable(
            'missing_field',
            'data.resolutionSeconds',
            `ticket ${ticketId}: no ticket_created delivery in the source's history`,
            id,
          ),
        ];
      const contacts = 1 + earlier.filter((e) => e.kind === 'customer_replied' && e.at <= at).length;
      return [
        eventOf(context, {
          id,
          type: 'ticket.solved',
          time: at,
          subject: ticketId,
          data: {
            agentId,
            ticketId,
            contacts,
            resolutionSeconds: seconds(created, at),
            ...unmeasured('handleSeconds'),
          },
        }),
      ];
    }
    default:
      return [ignored(`${kind}: no KPI meaning`)];
  }
}

export const freshdesk: Connector = {
  name: 'freshdesk',
  vendor: 'Freshdesk',
  eventTypes: ['ticket.created', 'ticket.solved'],
  verify,
  redact: (body) => body,
  recordsOf: (delivery) => {
    const ticket = idOf(webhookOf(delivery)?.ticket_id);
    return ticket === undefined ? [] : [`ticket:${ticket}`];
  },
  map,
};
