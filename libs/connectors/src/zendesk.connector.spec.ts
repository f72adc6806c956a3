import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { context, delivery, eventsOf, NOW, request } from './connector-test-support';
import { zendesk } from './zendesk.connector';

// Zendesk's ticket event webhooks (https://developer.zendesk.com/api-reference/webhooks/event-types/ticket-events/):
// the envelope, the ticket in `detail`, the change in `event`.
const ticketEvent = (
  id: string,
  type: string,
  time: string,
  event: Record<string, unknown>,
  detail: Record<string, unknown> = {},
) =>
  JSON.stringify({
    account_id: 22129848,
    detail: {
      actor_id: '8447388090494',
      assignee_id: '8447388090494',
      brand_id: '8447346621310',
      created_at: '2026-12-01T08:00:00Z',
      description: 'My printer is on fire',
      group_id: '8447320466430',
      id: '5158',
      is_public: true,
      organization_id: '8447346622462',
      priority: 'LOW',
      requester_id: '8447388090495',
      status: 'OPEN',
      subject: 'Help, my printer is on fire!',
      submitter_id: '8447388090495',
      tags: [],
      type: 'INCIDENT',
      updated_at: time,
      via: { channel: 'web_form' },
      ...detail,
    },
    event,
    id,
    subject: 'zen:ticket:5158',
    time,
    type: `zen:event-type:ticket.${type}`,
    zendesk_event_version: '2022-11-06',
  });

const comment = (staff: boolean, isPublic = true) => ({
  comment: {
    id: '901',
    body: 'text',
    is_public: isPublic,
    author: { id: staff ? '8447388090494' : '8447388090495', is_staff: staff, name: 'x' },
  },
});

const created = ticketEvent('e-1', 'created', '2026-12-01T08:00:00Z', {
  meta: { sequence: { id: 's1', position: 1 } },
});
const customerAsks = ticketEvent('e-2', 'comment_added', '2026-12-01T08:00:01Z', comment(false));
const agentReplies = ticketEvent('e-3', 'comment_added', '2026-12-01T08:10:00Z', comment(true));
const customerAgain = ticketEvent('e-4', 'comment_added', '2026-12-01T09:00:00Z', comment(false));
const agentAgain = ticketEvent('e-5', 'comment_added', '2026-12-01T09:00:30Z', comment(true));
const solved = ticketEvent('e-6', 'status_changed', '2026-12-01T09:30:00Z', { current: 'SOLVED', previous: 'OPEN' });

describe('zendesk: X-Zendesk-Webhook-Signature', () => {
  const ts = new Date(NOW - 2000).toISOString();
  const sign = (secret: string, timestamp = ts, body = created) =>
    createHmac('sha256', secret)
      .update(timestamp + body)
      .digest('base64');
  const verify = (signature: string | undefined, timestamp: string | undefined, body = created) =>
    zendesk.verify(
      request({
        body,
        headers: { 'x-zendesk-webhook-signature': signature, 'x-zendesk-webhook-signature-timestamp': timestamp },
      }),
      ['dGhlLXNpZ25pbmctc2VjcmV0', 'bmV4dC1zZWNyZXQ'],
      NOW,
    );

  it('takes base64 HMAC-SHA256 of timestamp + body by either signing secret', () => {
    expect(verify(sign('dGhlLXNpZ25pbmctc2VjcmV0'), ts)).toEqual({ ok: true });
    expect(verify(sign('bmV4dC1zZWNyZXQ'), ts)).toEqual({ ok: true });
  });

  it('refuses a tampered body, a wrong secret, a stale timestamp, no signature', () => {
    expect(verify(sign('dGhlLXNpZ25pbmctc2VjcmV0'), ts, created.replace('LOW', 'URGENT'))).toEqual({
      ok: false,
      refusal: 'bad_signature',
    });
    expect(verify(sign('wrong'), ts)).toEqual({ ok: false, refusal: 'bad_signature' });
    const old = new Date(NOW - 301_000).toISOString();
    expect(verify(sign('dGhlLXNpZ25pbmctc2VjcmV0', old), old)).toEqual({ ok: false, refusal: 'stale_timestamp' });
    expect(verify(undefined, ts)).toEqual({ ok: false, refusal: 'missing_signature' });
    expect(verify('abc', 'yesterday')).toEqual({ ok: false, refusal: 'malformed_signature' });
  });
});

describe('zendesk: mapping ticket events', () => {
  const history = (...bodies: string[]) => bodies.map((b) => delivery(b));

  it('ticket.created → ticket.created with the channel of via.channel and the priority', () => {
    expect(eventsOf(zendesk.map(delivery(created), context()))).toEqual([
      {
        specversion: '1.0',
        id: 'e-1',
        source: 'test/src_000000000001',
        type: 'ticket.created',
        time: '2026-12-01T08:00:00.000Z',
        subject: '5158',
        data: { orgId: 'O1', agentId: '8447388090494', ticketId: '5158', channel: 'web', priority: 'low' },
      },
    ]);
  });

  it('an agent’s public reply → ticket.replied, first or not, timed from the customer’s last message', () => {
    const first = eventsOf(
      zendesk.map(delivery(agentReplies), context({ earlier: history(created, customerAsks) })),
    )[0];
    expect(first?.data).toMatchObject({ ticketId: '5158', firstReply: true, responseSeconds: 599 });
    const second = eventsOf(
      zendesk.map(
        delivery(agentAgain),
        context({ earlier: history(created, customerAsks, agentReplies, customerAgain) }),
      ),
    )[0];
    expect(second?.data).toMatchObject({ firstReply: false, responseSeconds: 30 });
    expect(zendesk.map(delivery(customerAsks), context())).toMatchObject([{ kind: 'ignored' }]);
    expect(
      zendesk.map(
        delivery(ticketEvent('e-9', 'comment_added', '2026-12-01T08:11:00Z', comment(true, false))),
        context(),
      ),
    ).toMatchObject([{ kind: 'ignored' }]);
  });

  it('solved → ticket.solved: contacts counted from the customer’s comments the source received, handle time unmeasured', () => {
    const [event] = eventsOf(
      zendesk.map(
        delivery(solved),
        context({ earlier: history(created, customerAsks, agentReplies, customerAgain, agentAgain) }),
      ),
    );
    expect(event?.data).toEqual({
      orgId: 'O1',
      agentId: '8447388090494',
      ticketId: '5158',
      contacts: 2,
      resolutionSeconds: 5400,
      unmeasured: ['handleSeconds'],
    });
    // solved on first contact when nothing else was heard from the customer
    expect(eventsOf(zendesk.map(delivery(solved), context()))[0]?.data.contacts).toBe(1);
  });

  it('reopened, other statuses, unknown channels, malformed bodies', () => {
    const reopened = ticketEvent('e-7', 'status_changed', '2026-12-01T10:00:00Z', {
      current: 'OPEN',
      previous: 'SOLVED',
    });
    expect(eventsOf(zendesk.map(delivery(reopened), context()))[0]?.type).toBe('ticket.reopened');
    const pending = ticketEvent('e-8', 'status_changed', '2026-12-01T10:00:00Z', {
      current: 'PENDING',
      previous: 'OPEN',
    });
    expect(zendesk.map(delivery(pending), context())).toEqual([
      { kind: 'ignored', reason: 'ticket 5158: status pending' },
    ]);
    const fax = ticketEvent('e-10', 'created', '2026-12-01T08:00:00Z', {}, { via: { channel: 'fax' } });
    expect(zendesk.map(delivery(fax), context())).toMatchObject([
      { kind: 'unmappable', code: 'missing_field', field: 'data.channel', id: 'e-10' },
    ]);
    // a channel named like an object's own property is no channel either
    const proto = ticketEvent('e-11', 'created', '2026-12-01T08:00:00Z', {}, { via: { channel: 'constructor' } });
    expect(zendesk.map(delivery(proto), context())).toMatchObject([
      { kind: 'unmappable', code: 'missing_field', field: 'data.channel', id: 'e-11' },
    ]);
    // nulls where Zendesk may send them: no priority, no assignee, a comment without author
    const bare = ticketEvent('e-12', 'created', '2026-12-01T08:00:00Z', {}, { priority: null, assignee_id: null });
    expect(eventsOf(zendesk.map(delivery(bare), context()))[0]?.data).toEqual({
      orgId: 'O1',
      ticketId: '5158',
      channel: 'web',
    });
    const anonymous = ticketEvent('e-13', 'comment_added', '2026-12-01T09:00:00Z', {
      comment: { id: 1, body: 'hi', is_public: true, author: null },
    });
    expect(zendesk.map(delivery(anonymous), context())).toMatchObject([{ kind: 'ignored' }]);
    expect(zendesk.map(delivery('{"ticket":{}}'), context())).toMatchObject([
      { kind: 'unmappable', code: 'malformed_payload' },
    ]);
    expect(zendesk.recordsOf(delivery(solved))).toEqual(['ticket:5158']);
  });
});
