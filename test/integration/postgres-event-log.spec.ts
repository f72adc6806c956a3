import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orderingKey, type LogRecord } from '#libs/event-log';
import type { CanonicalEvent } from '#libs/events';
import { MIGRATIONS, PostgresEventLog, RejectedEventsRepository } from '#libs/postgres';
import { migratedTestDatabase, type TestDatabase } from '../support/postgres';

function event(id: string, source = 'ticketing/zendesk', teamId = 'T1'): CanonicalEvent {
  return {
    specversion: '1.0',
    id,
    source,
    type: 'ticket.solved',
    time: '2026-11-02T10:00:00+08:00',
    data: {
      orgId: 'O1',
      teamId,
      agentId: 'A1',
      ticketId: `k-${id}`,
      contacts: 1,
      handleSeconds: 60,
      resolutionSeconds: 90,
    },
  };
}
const record = (e: CanonicalEvent): LogRecord => ({ key: orderingKey(e), event: e });

describe('Postgres event log (real Postgres, real migrations)', () => {
  let t: TestDatabase;
  let log: PostgresEventLog;
  beforeAll(async () => {
    t = await migratedTestDatabase();
    log = new PostgresEventLog(t.db);
  });
  afterAll(async () => t.drop());

  it('appends with growing offsets and reads back the events intact, in order', async () => {
    const first = await log.append([record(event('a1')), record(event('a2'))]);
    const second = await log.append([record(event('a3', 'crm/hubspot', 'T2'))]);
    const offsets = [...first, ...second].map((o) => o.offset);
    expect([...first, ...second].every((o) => o.status === 'appended')).toBe(true);
    expect(offsets).toEqual([...offsets].sort((x, y) => x - y));
    expect(new Set(offsets).size).toBe(3);
    const read = await log.read(offsets[0] as number, 10);
    expect(read.map((r) => [r.event.id, r.key])).toEqual([
      ['a2', 'O1/T1'],
      ['a3', 'O1/T2'],
    ]);
    expect(read[0]?.event).toEqual(event('a2'));
    expect(await log.endOffset()).toBe(offsets[2]);
  });

  it('logs the same (source, id) once: later copies, in the batch or later, are duplicates of the first', async () => {
    const [a] = await log.append([record(event('d1'))]);
    const again = await log.append([
      record(event('d1')),
      record(event('d2')),
      record(event('d2')),
      record(event('d1', 'crm/hubspot')),
    ]);
    expect(again.map((o) => o.status)).toEqual(['duplicate', 'appended', 'duplicate', 'appended']);
    expect(again[0]?.offset).toBe(a?.offset);
    expect(again[2]?.offset).toBe(again[1]?.offset);
    const rows = await t.db.query<
      {
        count: number;
      }[]
    >(`SELECT count(*)::int AS count FROM event_log WHERE event_id IN ('d1', 'd2')`);
    expect(rows[0]?.count).toBe(3);
  });

  it('tells a repeat with other content (a conflict) from a duplicate, in the batch or later, and keeps the first', async () => {
    const solvedTwice = (id: string): CanonicalEvent => ({ ...event(id), data: { ...event(id).data, contacts: 2 } });
    const [first] = await log.append([record(event('x1'))]);
    // the jsonb the log keeps has its keys reordered: the same content is still a duplicate
    const again = await log.append([
      record(solvedTwice('x1')),
      record(event('x1')),
      record(solvedTwice('x2')),
      record(event('x2')),
    ]);
    expect(again.map((o) => o.status)).toEqual(['conflict', 'duplicate', 'appended', 'conflict']);
    expect(again[0]?.offset).toBe(first?.offset);
    expect(again[3]?.offset).toBe(again[2]?.offset);
    const kept = (await log.read(0, 1000)).filter((r) => ['x1', 'x2'].includes(r.event.id));
    expect(kept.map((r) => [r.event.id, r.event.data['contacts']])).toEqual([
      ['x1', 1],
      ['x2', 2],
    ]);
  });

  it('never lets a reader skip an event: concurrent appenders commit offsets in order', async () => {
    const start = await log.endOffset();
    const writers = Array.from({ length: 6 }, async (_, w) => {
      for (let b = 0; b < 25; b++) {
        await log.append(Array.from({ length: 8 }, (_, i) => record(event(`c-${w}-${b}-${i}`, `src/${w}`))));
      }
    });
    const seen: number[] = [];
    let done = false;
    const reader = (async () => {
      let after = start;
      for (;;) {
        const finished = done;
        const batch = await log.read(after, 200);
        for (const r of batch) seen.push(r.offset);
        if (batch.length > 0) after = (batch[batch.length - 1] as { offset: number }).offset;
        else if (finished) return;
      }
    })();
    await Promise.all(writers);
    done = true;
    await reader;
    const all = (
      await t.db.query<
        {
          offset: string;
        }[]
      >(`SELECT "offset" FROM event_log WHERE "offset" > $1 ORDER BY "offset"`, [start])
    ).map((r) => Number(r.offset));
    expect(all).toHaveLength(6 * 25 * 8);
    expect(seen).toEqual(all);
  });

  it('keeps each consumer its own offset', async () => {
    expect(await log.committedOffset('indicator-processor')).toBe(0);
    await log.commitOffset('indicator-processor', 5);
    await log.commitOffset('indicator-processor', 7);
    await log.commitOffset('scoring-service', 2);
    expect(await log.committedOffset('indicator-processor')).toBe(7);
    expect(await log.committedOffset('scoring-service')).toBe(2);
  });

  it('keeps rejected events with their reason and raw payload', async () => {
    const repo = new RejectedEventsRepository(t.db);
    await repo.record([
      {
        source: 'ticketing/zendesk',
        eventId: 'x9',
        field: 'data.contacts',
        code: 'invalid_value',
        reason: 'data.contacts: expected a positive integer',
        payload: '{"id":"x9"}',
      },
      { field: 'event', code: 'invalid_json', reason: 'invalid JSON: Unexpected token', payload: '{not json' },
    ]);
    const [last, before] = await repo.latest(2);
    expect(last).toMatchObject({
      code: 'invalid_json',
      reason: 'invalid JSON: Unexpected token',
      payload: '{not json',
    });
    expect(last?.source).toBeUndefined();
    expect(before).toMatchObject({
      source: 'ticketing/zendesk',
      eventId: 'x9',
      field: 'data.contacts',
      code: 'invalid_value',
      reason: 'data.contacts: expected a positive integer',
    });
  });

  it('every migration goes down as well as up', async () => {
    for (let i = 0; i < MIGRATIONS.length; i++) await t.db.undoLastMigration({ transaction: 'each' });
    const tables = await t.db.query<{ table_name: string }[]>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name`,
      [t.schema],
    );
    expect(tables.map((x) => x.table_name)).toEqual(['migrations']);
    await t.db.runMigrations({ transaction: 'each' });
  });
});
