import { describe, expect, it } from 'vitest';
import type { CanonicalEvent } from '#libs/events';
import { dealFactOf, stalledDeals, type DealRecord } from './deal-funnel';

const DAY = 86_400_000;
const asOf = Date.parse('2026-11-30T00:00:00+08:00');
const ago = (days: number) => asOf - days * DAY;

const event = (type: string, data: Record<string, unknown>): CanonicalEvent => ({
  specversion: '1.0',
  id: 'e1',
  source: 'crm/test',
  type,
  time: '2026-11-20T10:00:00+08:00',
  data: { orgId: 'O1', teamId: 'T1', agentId: 'A1', ...data },
});

describe('deal facts', () => {
  it('reads openings, stage changes and closes of deals, and nothing else', () => {
    expect(dealFactOf(event('crm.deal.created', { dealId: 'D1', stage: 'qualify' }))).toEqual({
      kind: 'opened',
      orgId: 'O1',
      dealId: 'D1',
      teamId: 'T1',
      agentId: 'A1',
      stage: 'qualify',
      at: Date.parse('2026-11-20T02:00:00Z'),
    });
    expect(dealFactOf(event('crm.deal.stage_changed', { dealId: 'D1', stage: 'propose' }))).toMatchObject({
      kind: 'stage',
      stage: 'propose',
    });
    expect(dealFactOf(event('crm.deal.lost', { dealId: 'D1' }))).toMatchObject({ kind: 'closed', outcome: 'lost' });
    expect(dealFactOf(event('crm.deal.won', { dealId: 'D1', amount: 1, currency: 'CNY' }))).toMatchObject({
      kind: 'closed',
      outcome: 'won',
    });
    expect(dealFactOf(event('ticket.solved', { ticketId: 'X' }))).toBeUndefined();
    expect(dealFactOf(event('crm.deal.updated', { dealId: 'D1', stage: 'b' }))).toBeUndefined();
  });

  it('needs a deal id, and a stage for a stage change; an empty or non-text team, agent or stage is none', () => {
    expect(dealFactOf(event('crm.deal.created', { stage: 'qualify' }))).toBeUndefined();
    expect(dealFactOf(event('crm.deal.created', { dealId: '' }))).toBeUndefined();
    expect(dealFactOf(event('crm.deal.won', { dealId: 7 }))).toBeUndefined();
    expect(dealFactOf(event('crm.deal.stage_changed', { dealId: 'D1' }))).toBeUndefined();
    expect(dealFactOf(event('crm.deal.stage_changed', { dealId: 'D1', stage: '' }))).toBeUndefined();
    expect(dealFactOf(event('crm.deal.created', { dealId: 'D1', teamId: '', agentId: 7, stage: 3 }))).toMatchObject({
      teamId: null,
      agentId: null,
      stage: null,
    });
  });
});

describe('stalledDeals', () => {
  const deal = (over: Partial<DealRecord> & Pick<DealRecord, 'dealId'>): DealRecord => ({
    owner: 'A1',
    openedAt: ago(30),
    closedAt: null,
    changes: [],
    ...over,
  });

  it('lists open deals with no stage change for N days, oldest first, with their age', () => {
    const deals = [
      deal({ dealId: 'moved', changes: [{ stage: 'propose', at: ago(3) }] }),
      deal({ dealId: 'stuck', changes: [{ stage: 'propose', at: ago(20) }] }),
      deal({ dealId: 'never-moved', openedAt: ago(25) }),
      deal({ dealId: 'just-14', changes: [{ stage: 'negotiate', at: ago(14) }] }),
      deal({ dealId: 'won', closedAt: ago(1) }),
    ];
    expect(stalledDeals(deals, asOf, 14).map((d) => [d.dealId, d.stage, d.ageDays])).toEqual([
      ['never-moved', null, 25],
      ['stuck', 'propose', 20],
      ['just-14', 'negotiate', 14],
    ]);
  });

  it('reads a past moment as it was: later changes and closes do not count', () => {
    const then = ago(10);
    const deals = [
      deal({
        dealId: 'moved-later',
        changes: [
          { stage: 'a', at: ago(40) },
          { stage: 'b', at: ago(2) },
        ],
      }),
      deal({ dealId: 'closed-later', closedAt: ago(5) }),
      deal({ dealId: 'opened-later', openedAt: ago(2) }),
    ];
    expect(stalledDeals(deals, then, 14).map((d) => [d.dealId, d.ageDays])).toEqual([
      ['moved-later', 30],
      ['closed-later', 20],
    ]);
  });

  it('takes the latest stage change seen, whatever order the changes come in (the later one on a tie)', () => {
    const changes = [
      { stage: 'b', at: ago(20) },
      { stage: 'c', at: ago(20) },
      { stage: 'a', at: ago(40) },
    ];
    expect(stalledDeals([deal({ dealId: 'x', changes })], asOf, 14)).toEqual([
      { dealId: 'x', owner: 'A1', stage: 'c', lastMoveAt: ago(20), ageDays: 20 },
    ]);
  });

  it('counts what happened before the moment asked about, not at it: a close or a change at asOf is not seen yet', () => {
    const deals = [
      deal({ dealId: 'closed-at', closedAt: asOf }),
      deal({ dealId: 'moved-at', changes: [{ stage: 'b', at: asOf }] }),
    ];
    expect(stalledDeals(deals, asOf, 14).map((d) => [d.dealId, d.stage, d.ageDays])).toEqual([
      ['closed-at', null, 30],
      ['moved-at', null, 30],
    ]);
  });

  it('with N = 0 lists every deal open before the moment, but none opened at or after it', () => {
    const deals = [
      deal({ dealId: 'opened-just-before', openedAt: asOf - 1 }),
      deal({ dealId: 'opened-at', openedAt: asOf }),
      deal({ dealId: 'opened-after', openedAt: asOf + DAY }),
    ];
    expect(stalledDeals(deals, asOf, 0).map((d) => [d.dealId, d.ageDays])).toEqual([['opened-just-before', 0]]);
  });

  it('leaves out a deal whose opening was never seen and that never moved', () => {
    expect(stalledDeals([deal({ dealId: 'x', openedAt: null })], asOf, 1)).toEqual([]);
  });
});
