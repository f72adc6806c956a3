import { describe, expect, it } from 'vitest';
import { context, delivery, eventsOf, NOW, request } from './connector-test-support';
import { freshdesk } from './freshdesk.connector';

// The body docs/connectors.md gives a Freshdesk automation rule's "Trigger webhook" action, with
// Freshdesk's placeholders filled in as Freshdesk sends them.
const hook = (event: string, fields: Record<string, unknown> = {}) =>
  JSON.stringify({
    freshdesk_webhook: {
      event,
      ticket_id: '4217',
      ticket_source: 'Email',
      ticket_priority: 'Medium',
      ticket_status: 'Open',
      ticket_agent_email: 'li.na@example.com',
      ...fields,
    },
  });

describe('freshdesk: HTTP Basic credentials of the rule’s webhook', () => {
  it('takes either active credential (an API key sent as user with password X too), refuses the rest', () => {
    const verify = (authorization: string | undefined) =>
      freshdesk.verify(
        request({ body: hook('ticket_created'), headers: { authorization } }),
        ['abcdefKEY:X', 'kpi:pw'],
        NOW,
      );
    expect(verify(`Basic ${Buffer.from('abcdefKEY:X').toString('base64')}`)).toEqual({ ok: true });
    expect(verify(`Basic ${Buffer.from('kpi:pw').toString('base64')}`)).toEqual({ ok: true });
    expect(verify(`Basic ${Buffer.from('kpi:nope').toString('base64')}`)).toEqual({
      ok: false,
      refusal: 'bad_signature',
    });
    expect(verify(undefined)).toEqual({ ok: false, refusal: 'missing_signature' });
  });
});

describe('freshdesk: mapping the rule’s webhook', () => {
  const createdAt = NOW - 3_600_000;
  const created = delivery(hook('ticket_created'), createdAt);
  const replied = delivery(hook('customer_replied', { ticket_status: 'Pending' }), NOW - 1_800_000);

  it('ticket_created → ticket.created, at arrival, with the channel of the ticket’s source', () => {
    expect(eventsOf(freshdesk.map(created, context()))[0]).toMatchObject({
      type: 'ticket.created',
      time: new Date(createdAt).toISOString(),
      subject: '4217',
      data: { orgId: 'O1', agentId: 'li.na@example.com', ticketId: '4217', channel: 'email', priority: 'medium' },
    });
  });

  it('ticket_resolved → ticket.solved: resolution since the created delivery, contacts 1 + the customer’s replies', () => {
    const mapped = freshdesk.map(
      delivery(hook('ticket_resolved', { ticket_status: 'Resolved' })),
      context({ earlier: [created, replied] }),
    );
    expect(eventsOf(mapped)[0]?.data).toEqual({
      orgId: 'O1',
      agentId: 'li.na@example.com',
      ticketId: '4217',
      contacts: 2,
      resolutionSeconds: 3600,
      unmeasured: ['handleSeconds'],
    });
  });

  it('a retried delivery keeps its id; a resolution without the created delivery is a dead letter', () => {
    const body = hook('ticket_resolved');
    const ids = [NOW, NOW + 60_000].map((at) => freshdesk.map(delivery(body, at), context({ earlier: [created] }))[0]);
    expect(ids[0]).toMatchObject({ kind: 'event' });
    expect(ids[0]?.kind === 'event' && ids[1]?.kind === 'event' && ids[0].event.id === ids[1].event.id).toBe(true);
    expect(freshdesk.map(delivery(body), context())).toMatchObject([
      { kind: 'unmappable', code: 'missing_field', field: 'data.resolutionSeconds' },
    ]);
    expect(freshdesk.map(replied, context())).toMatchObject([{ kind: 'ignored' }]);
    expect(freshdesk.map(delivery('{"ticket_id":1}'), context())).toMatchObject([
      { kind: 'unmappable', code: 'malformed_payload' },
    ]);
  });
});
