import { describe, expect, it } from 'vitest';
import type { LoggedRecord } from '#libs/event-log';
import type { CanonicalEvent } from '#libs/events';
import { DEAL_FOLLOWER, DealFollower } from './deal-follower';
import type { DealFact } from './deal-funnel';

const event = (type: string, data: Record<string, unknown>): CanonicalEvent => ({
  specversion: '1.0',
  id: type,
  source: 'crm/test',
  type,
  time: '2026-11-20T10:00:00+08:00',
  data: { orgId: 'O1', ...data },
});

// the log as a fake port: records after an offset, committed offsets by consumer
function logOf(events: CanonicalEvent[]) {
  const records: LoggedRecord[] = events.map((e, i) => ({
    key: 'O1',
    event: e,
    offset: i + 1,
    appendedAt: new Date(0),
  }));
  const committed = new Map<string, number>();
  const reads: number[] = []; // the offset of each read
  return {
    committed,
    reads,
    read: (after: number, limit: number) => {
      reads.push(after);
      return Promise.resolve(records.filter((r) => r.offset > after).slice(0, limit));
    },
    committedOffset: (c: string) => Promise.resolve(committed.get(c) ?? 0),
    commitOffset: (c: string, o: number) => Promise.resolve(void committed.set(c, o)),
  };
}

describe('DealFollower', () => {
  it('writes the deal facts of the log in batches, committing each batch after its write', async () => {
    const log = logOf([
      event('crm.deal.created', { dealId: 'D1' }),
      event('ticket.created', { ticketId: 'X', channel: 'chat' }),
      event('crm.deal.stage_changed', { dealId: 'D1', stage: 'b' }),
      event('crm.deal.lost', { dealId: 'D1' }),
      event('crm.deal.created', { dealId: 'D2' }),
    ]);
    const writes: { facts: DealFact[]; committedBefore: number }[] = [];
    const follower = new DealFollower(
      log,
      {
        record: (facts) => {
          writes.push({ facts: [...facts], committedBefore: log.committed.get(DEAL_FOLLOWER) ?? 0 });
          return Promise.resolve();
        },
      },
      2,
    );
    expect(await follower.catchUp()).toBe(4);
    expect(writes.map((w) => [w.facts.map((f) => f.kind), w.committedBefore])).toEqual([
      [['opened'], 0],
      [['stage', 'closed'], 2],
      [['opened'], 4],
    ]);
    expect(log.committed.get(DEAL_FOLLOWER)).toBe(5);
    expect(log.reads).toEqual([0, 2, 4]); // a short batch is the log's end: no read after it
    expect(await follower.catchUp()).toBe(0); // nothing new: nothing written again
    expect(log.reads).toEqual([0, 2, 4, 5]);
  });

  it('leaves the offset where it was when a write fails, so the batch is read again', async () => {
    const log = logOf([event('crm.deal.created', { dealId: 'D1' })]);
    const failing = new DealFollower(log, { record: () => Promise.reject(new Error('database down')) });
    await expect(failing.catchUp()).rejects.toThrow('database down');
    expect(log.committed.has(DEAL_FOLLOWER)).toBe(false);
  });
});
