import type { TicketChannel } from '#libs/events';
import type { Connector, Delivery, Mapped, MappingContext, WebhookRequest } from './connector';
import {
  eventOf,
  idOf,
  ignored,
  instantOf,
  isObject,
  parseJson,
  seconds,
  textOf,
  unmappable,
  unmeasured,
  type Json,
} from './payload';
import { hmac, signedByAny, withinWindow } from './verify';

// X-Zendesk-Webhook-Signature: base64 HMAC-SHA256, with the webhook's signing secret, of
// X-Zendesk-Webhook-Signature-Timestamp + body (https://developer.zendesk.com/documentation/webhooks/verifying/).
// Zendesk names no window: KPI Pulse's 5 minutes apply (the timestamp is an ISO 8601 instant).
function verify(request: WebhookRequest, secrets: readonly string[], now: number) {
  const signature = request.headers['x-zendesk-webhook-signature'];
  const timestamp = request.headers['x-zendesk-webhook-signature-timestamp'];
  if (signature === undefined || timestamp === undefined) return { ok: false, refusal: 'missing_signature' } as const;
  const at = Date.parse(timestamp);
  if (!Number.isFinite(at)) return { ok: false, refusal: 'malformed_signature' } as const;
  if (!withinWindow(at, now)) return { ok: false, refusal: 'stale_timestamp' } as const;
  return signedByAny(secrets, signature, (secret) => hmac('sha256', secret, `${timestamp}${request.body}`, 'base64'));
}

// Zendesk's via.channel → the contract's channel; a channel not listed is refused by name, never guessed.
const CHANNELS: Record<string, TicketChannel> = {
  email: 'email',
  web: 'web',
  web_form: 'web',
  web_widget: 'web',
  help_center: 'web',
  web_service: 'web', // the API
  api: 'web',
  mobile_sdk: 'web',
  chat: 'chat',
  native_messaging: 'chat',
  messaging: 'chat',
  whatsapp: 'chat',
  facebook: 'chat',
  line: 'chat',
  wechat: 'chat',
  voice: 'phone',
  phone: 'phone',
};

// An event webhook: `{ id, type: "zen:event-type:ticket.…", time, subject, detail: <the ticket>, event }`
// (https://developer.zendesk.com/api-reference/webhooks/event-types/ticket-events/).
function envelopeOf(delivery: Delivery): Json | undefined {
  const body = parseJson(delivery.body);
  return isObject(body) && isObject(body.detail) && isObject(body.event) && typeof body.type === 'string'
    ? body
    : undefined;
}

const ticketOf = (envelope: Json): string | undefined => idOf((envelope.detail as Json).id);

// Who wrote a public comment: the customer (a contact) or staff (a reply); undefined for anything else.
function publicCommentBy(envelope: Json): 'customer' | 'staff' | undefined {
  const comment = (envelope.event as Json).comment;
  if (envelope.type !== 'zen:event-type:ticket.comment_added' || !isObject(comment) || comment.is_public !== true)
    return undefined;
  if (!isObject(comment.author) || typeof comment.author.is_staff !== 'boolean') return undefined;
  return comment.author.is_staff ? 'staff' : 'customer';
}

function map(delivery: Delivery, context: MappingContext): Mapped[] {
  const envelope = envelopeOf(delivery);
  if (envelope === undefined)
    return [
      unmappable(
        'malformed_payload',
        'body',
        'body: expected a Zendesk event webhook { id, type, time, detail, event }',
      ),
    ];
  const id = textOf(envelope.id);
  const at = instantOf(envelope.time, 'iso');
  const ticketId = ticketOf(envelope);
  const detail = envelope.detail as Json;
  const event = envelope.event as Json;
  if (id === undefined || at === undefined || ticketId === undefined)
    return [unmappable('malformed_payload', 'id', 'id, time, detail.id: every ticket event carries them')];
  const createdAt = instantOf(detail.created_at, 'iso');
  const agentId = idOf(detail.assignee_id);
  // the ticket's earlier events, as this source received them
  const earlier = context.earlier.flatMap((d) => {
    const e = envelopeOf(d);
    return e !== undefined && ticketOf(e) === ticketId
      ? [{ envelope: e, at: instantOf(e.time, 'iso') ?? d.receivedAt }]
      : [];
  });
  switch (envelope.type) {
    case 'zen:event-type:ticket.created': {
      const via = isObject(detail.via) ? textOf(detail.via.channel) : undefined;
      const channel = via !== undefined && Object.hasOwn(CHANNELS, via) ? CHANNELS[via] : undefined;
      if (channel === undefined)
        return [
          unmappable(
            'missing_field',
            'data.channel',
            `detail.via.channel: ${String(via)} is not a channel KPI Pulse maps`,
            id,
          ),
        ];
      return [
        eventOf(context, {
          id,
          type: 'ticket.created',
          time: at,
          subject: ticketId,
          data: { agentId, ticketId, channel, priority: textOf(detail.priority)?.toLowerCase() },
        }),
      ];
    }
    case 'zen:event-type:ticket.comment_added': {
      if (publicCommentBy(envelope) !== 'staff')
        return [ignored(`ticket ${ticketId}: a comment that is not an agent's public reply`)];
      // since the customer's last message: their latest comment before this reply, else the ticket's creation
      const lastCustomer =
        earlier.filter((e) => publicCommentBy(e.envelope) === 'customer' && e.at <= at).at(-1)?.at ?? createdAt;
      if (lastCustomer === undefined)
        return [
          unmappable('missing_field', 'data.responseSeconds', `ticket ${ticketId}: detail.created_at is missing`, id),
        ];
      const firstReply = !earlier.some((e) => publicCommentBy(e.envelope) === 'staff' && e.at < at);
      const author =
        isObject(event.comment) && isObject(event.comment.author) ? idOf(event.comment.author.id) : undefined;
      return [
        eventOf(context, {
          id,
          type: 'ticket.replied',
          time: at,
          subject: ticketId,
          data: { agentId: author ?? agentId, ticketId, firstReply, responseSeconds: seconds(lastCustomer, at) },
        }),
      ];
    }
    case 'zen:event-type:ticket.status_changed': {
      const current = textOf(event.current)?.toLowerCase();
      const previous = textOf(event.previous)?.toLowerCase();
      if (current === 'open' && (previous === 'solved' || previous === 'closed'))
        return [
          eventOf(context, { id, type: 'ticket.reopened', time: at, subject: ticketId, data: { agentId, ticketId } }),
        ];
      if (current !== 'solved') return [ignored(`ticket ${ticketId}: status ${String(current)}`)];
      if (createdAt === undefined)
        return [
          unmappable('missing_field', 'data.resolutionSeconds', `ticket ${ticketId}: detail.created_at is missing`, id),
        ];
      // contacts: the customer's first message and each public comment of theirs the source received since
      const contacts = Math.max(
        1,
        earlier.filter((e) => publicCommentBy(e.envelope) === 'customer' && e.at <= at).length,
      );
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
            resolutionSeconds: seconds(createdAt, at),
            ...unmeasured('handleSeconds'),
          },
        }),
      ];
    }
    default:
      return [ignored(`${String(envelope.type)}: no KPI meaning`)];
  }
}

export const zendesk: Connector = {
  name: 'zendesk',
  vendor: 'Zendesk',
  eventTypes: ['ticket.created', 'ticket.replied', 'ticket.solved', 'ticket.reopened'],
  verify,
  redact: (body) => body,
  recordsOf: (delivery) => {
    const envelope = envelopeOf(delivery);
    const ticket = envelope === undefined ? undefined : ticketOf(envelope);
    return ticket === undefined ? [] : [`ticket:${ticket}`];
  },
  map,
};
