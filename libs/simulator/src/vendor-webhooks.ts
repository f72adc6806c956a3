import { createHash } from 'node:crypto';
import { majorUnits, type ConnectorName } from '#libs/connectors';
import type { CanonicalEvent } from '#libs/events';

// A simulated event as the vendor's webhook(s) would carry it, for `kpi-pulse simulate --as
// <connector>`: what the connector maps back to (about) the event. Some need more than one webhook: a
// HubSpot deal won comes with the property changes that give its amount; a solved Zendesk ticket after
// its customer's comments, so that its contacts count. undefined: the vendor does not send this type.
export interface VendorWebhook {
  body: string;
  contentType: string;
}

type Data = Record<string, unknown>;
const JSON_TYPE = 'application/json';
const json = (value: unknown): VendorWebhook => ({ body: JSON.stringify(value), contentType: JSON_TYPE });
const seconds = (ms: number) => Math.floor(ms / 1000);
// a number from an id: vendors' ids are numbers (HubSpot's eventId), stable for the same text
const numberOf = (text: string) => Number.parseInt(createHash('sha256').update(text).digest('hex').slice(0, 10), 16);

// Stripe's minor units (the inverse of the connector's majorUnits)
const minorUnits = (amount: number, currency: string) => Math.round(amount / majorUnits(1, currency));

export function vendorWebhooks(connector: ConnectorName, event: CanonicalEvent): VendorWebhook[] | undefined {
  const at = Date.parse(event.time);
  const d = event.data as Data;
  const text = (field: string) => {
    const value = d[field];
    return typeof value === 'string' || typeof value === 'number' ? String(value) : '';
  };
  const num = (field: string) => Number(d[field] ?? 0);
  switch (connector) {
    case 'stripe': {
      const currency = text('currency').toLowerCase();
      const dueAt = (date: string) => seconds(Date.parse(`${date}T12:00:00Z`)); // noon UTC: the same date east and west
      const envelope = (type: string, object: Data, previous?: Data) =>
        json({
          id: `evt_${event.id}`,
          object: 'event',
          created: seconds(at),
          type,
          data: {
            object: { ...object, metadata: { kpi_team_id: d.teamId } },
            ...(previous === undefined ? {} : { previous_attributes: previous }),
          },
        });
      const money = minorUnits(num('amount'), currency);
      switch (event.type) {
        case 'invoice.issued':
          return [
            envelope('invoice.finalized', {
              id: text('invoiceId'),
              object: 'invoice',
              amount_due: money,
              currency,
              due_date: dueAt(text('dueDate')),
            }),
          ];
        case 'payment.received':
          return [
            envelope('invoice.paid', {
              id: text('invoiceId'),
              object: 'invoice',
              amount_paid: money,
              currency,
              due_date: dueAt(text('invoiceDueDate')),
              payment_intent: `pi_${text('paymentId')}`,
              status_transitions: { paid_at: seconds(at) },
            }),
          ];
        case 'invoice.written_off':
          return [
            envelope('invoice.marked_uncollectible', {
              id: text('invoiceId'),
              object: 'invoice',
              amount_remaining: money,
              currency,
              status: 'uncollectible',
              status_transitions: { marked_uncollectible_at: seconds(at) },
            }),
          ];
        case 'refund.issued':
          return [
            envelope(
              'charge.refunded',
              { id: `ch_${event.id}`, object: 'charge', amount_refunded: money, currency },
              { amount_refunded: 0 },
            ),
          ];
        default:
          return undefined;
      }
    }
    case 'hubspot': {
      const deal = text('dealId');
      const item = (eventId: number, type: string, occurredAt: number, fields: Data = {}) => ({
        eventId,
        subscriptionId: type === 'deal.creation' ? 1 : 2,
        portalId: 62515,
        occurredAt,
        subscriptionType: type,
        attemptNumber: 0,
        objectId: deal,
        ...fields,
      });
      const stage = (value: string) =>
        item(numberOf(`${event.id}:stage`), 'deal.propertyChange', at, {
          propertyName: 'dealstage',
          propertyValue: value,
        });
      switch (event.type) {
        case 'crm.lead.created':
          return [json([{ ...item(numberOf(event.id), 'contact.creation', at), objectId: text('leadId') }])];
        case 'crm.deal.created':
          // the same eventId as the creation a won deal carries: one deal.creation per deal
          return [json([item(numberOf(`${deal}:created`), 'deal.creation', at)])];
        case 'crm.deal.won':
          return [
            json([
              item(numberOf(`${deal}:created`), 'deal.creation', Date.parse(text('sqlAt'))),
              item(numberOf(`${event.id}:amount`), 'deal.propertyChange', at, {
                propertyName: 'amount',
                propertyValue: String(num('amount')),
              }),
              item(numberOf(`${event.id}:currency`), 'deal.propertyChange', at, {
                propertyName: 'deal_currency_code',
                propertyValue: text('currency'),
              }),
              stage('closedwon'),
            ]),
          ];
        case 'crm.deal.lost':
          return [json([stage('closedlost')])];
        default:
          return undefined;
      }
    }
    case 'salesforce': {
      const deal = text('dealId');
      const change = (transactionKey: string, changeType: string, commitTimestamp: number, fields: Data) =>
        json({
          channel: '/data/OpportunityChangeEvent',
          data: {
            schema: 'simulated',
            payload: {
              ChangeEventHeader: {
                entityName: 'Opportunity',
                recordIds: [deal],
                changeType,
                transactionKey,
                sequenceNumber: 1,
                commitTimestamp,
              },
              ...fields,
            },
            event: { replayId: numberOf(transactionKey) },
          },
        });
      const created = (createdAt: number, amount: Data) =>
        change(`${deal}:create`, 'CREATE', createdAt, {
          StageName: 'Prospecting',
          OwnerId: d.agentId,
          CreatedDate: new Date(createdAt).toISOString(),
          ...amount,
        });
      switch (event.type) {
        case 'crm.deal.created':
          return [
            created(at, d.amount === undefined ? {} : { Amount: num('amount'), CurrencyIsoCode: text('currency') }),
          ];
        case 'crm.deal.won':
          return [
            created(Date.parse(text('sqlAt')), {}),
            change(`${event.id}:won`, 'UPDATE', at, {
              StageName: 'Closed Won',
              IsWon: true,
              IsClosed: true,
              Amount: num('amount'),
              CurrencyIsoCode: text('currency'),
            }),
          ];
        case 'crm.deal.lost':
          return [
            change(`${event.id}:lost`, 'UPDATE', at, {
              StageName: 'Closed Lost',
              IsWon: false,
              IsClosed: true,
              OwnerId: d.agentId,
            }),
          ];
        default:
          return undefined;
      }
    }
    case 'pipedrive': {
      const deal = {
        id: text('dealId'),
        owner_id: d.agentId,
        value: d.amount,
        currency: d.currency,
        add_time: d.sqlAt ?? event.time,
      };
      const meta = (action: string) => ({
        action,
        entity: 'deal',
        version: '2.0',
        id: event.id,
        timestamp: event.time,
        type: 'general',
      });
      switch (event.type) {
        case 'crm.deal.created':
          return [
            json({ meta: meta('create'), data: { ...deal, status: 'open', add_time: event.time }, previous: null }),
          ];
        case 'crm.deal.won':
          return [
            json({
              meta: meta('change'),
              data: { ...deal, status: 'won', won_time: event.time },
              previous: { status: 'open' },
            }),
          ];
        case 'crm.deal.lost':
          return [
            json({
              meta: meta('change'),
              data: { ...deal, status: 'lost', lost_time: event.time },
              previous: { status: 'open' },
            }),
          ];
        default:
          return undefined;
      }
    }
    case 'zendesk': {
      const ticket = text('ticketId');
      const envelope = (id: string, type: string, time: number, body: Data, createdAt = at) =>
        json({
          id,
          type: `zen:event-type:ticket.${type}`,
          time: new Date(time).toISOString(),
          subject: `zen:ticket:${ticket}`,
          detail: {
            id: ticket,
            assignee_id: d.agentId,
            created_at: new Date(createdAt).toISOString(),
            priority: d.priority,
            via: { channel: VIA[text('channel')] ?? 'web_form' },
          },
          event: body,
          zendesk_event_version: '2022-11-06',
        });
      const comment = (staff: boolean) => ({
        comment: { id: event.id, is_public: true, author: { id: staff ? d.agentId : 'customer', is_staff: staff } },
      });
      switch (event.type) {
        case 'ticket.created':
          return [envelope(event.id, 'created', at, {})];
        case 'ticket.replied':
          return [envelope(event.id, 'comment_added', at, comment(true), at - num('responseSeconds') * 1000)];
        case 'ticket.solved': {
          const createdAt = at - num('resolutionSeconds') * 1000;
          // the customer's messages (the first one included), each a contact
          const asks = Array.from({ length: Math.max(1, num('contacts')) }, (_, i) =>
            envelope(`${event.id}:ask${i}`, 'comment_added', createdAt + i, comment(false), createdAt),
          );
          return [
            ...asks,
            envelope(event.id, 'status_changed', at, { current: 'SOLVED', previous: 'OPEN' }, createdAt),
          ];
        }
        case 'ticket.reopened':
          return [envelope(event.id, 'status_changed', at, { current: 'OPEN', previous: 'SOLVED' })];
        default:
          return undefined;
      }
    }
    case 'freshdesk': {
      const hook = (kind: string, fields: Data = {}) =>
        json({
          freshdesk_webhook: { event: kind, ticket_id: text('ticketId'), ticket_agent_email: d.agentId, ...fields },
        });
      switch (event.type) {
        case 'ticket.created':
          return [
            hook('ticket_created', { ticket_source: SOURCE[text('channel')] ?? 'Portal', ticket_priority: d.priority }),
          ];
        case 'ticket.solved':
          return [
            ...Array.from({ length: Math.max(0, num('contacts') - 1) }, (_, i) =>
              hook('customer_replied', { reply: `${event.id}:${i}` }),
            ),
            hook('ticket_resolved', { ticket_status: 'Resolved', resolved: event.id }),
          ];
        default:
          return undefined;
      }
    }
    case 'aircall': {
      if (event.type !== 'call.ended') return undefined;
      const ended = seconds(at);
      const answered = ended - Math.round(num('talkSeconds'));
      const started = (d.answered === true ? answered : ended) - Math.round(num('waitSeconds'));
      return [
        json({
          resource: 'call',
          event: 'call.ended',
          timestamp: ended,
          data: {
            id: text('callId'),
            direction: 'inbound',
            status: 'done',
            started_at: started,
            answered_at: d.answered === true ? answered : null,
            ended_at: ended,
            user: d.agentId === undefined ? null : { id: d.agentId },
          },
        }),
      ];
    }
    case 'twilio': {
      if (event.type !== 'call.ended') return undefined;
      const sid = `CA${createHash('sha256').update(text('callId')).digest('hex').slice(0, 32)}`;
      const params = new URLSearchParams({
        AccountSid: 'AC00000000000000000000000000000000',
        CallSid: sid,
        CallStatus: d.answered === true ? 'completed' : 'no-answer',
        CallDuration: String(Math.round(num('talkSeconds'))),
        From: '+14155550100',
        To: d.agentId === undefined ? '+14155550199' : `client:${text('agentId')}`,
        Timestamp: new Date(at).toUTCString(),
      });
      return [{ body: params.toString(), contentType: 'application/x-www-form-urlencoded' }];
    }
  }
}

// the contract's channel → Zendesk's via.channel and Freshdesk's ticket source
const VIA: Record<string, string> = { chat: 'chat', phone: 'voice', email: 'email', web: 'web_form' };
const SOURCE: Record<string, string> = { chat: 'Chat', phone: 'Phone', email: 'Email', web: 'Portal' };
