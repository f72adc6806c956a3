import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDefinitions } from '#libs/definitions';
import { validateEvent, type CanonicalEvent } from '#libs/events';
import { SOURCE_TOPICS, sourceTopicOf } from '#libs/kafka';
import { PartitionProcessor, type PartitionRecord } from '#libs/pipeline';
import { IndicatorStateRepository } from '#libs/postgres';
import { simulate } from '#libs/simulator';
import { migratedTestDatabase, type TestDatabase } from '../support/postgres';
import { expectStoredEqualsEvaluate } from '../support/stored-vs-evaluate';

const { set: definitions } = loadDefinitions('definitions/seed');
const events: CanonicalEvent[] = [];
for (const line of simulate({ orgs: 2, teamsPerOrg: 2, agentsPerTeam: 2, days: 8, start: '2026-10-28', seed: 21 })) {
  const checked = validateEvent(line.event);
  if (checked.ok) events.push(checked.event);
}

// The source topics as Kafka would hold them: org O1 in partition 0, O2 in partition 1 of every topic.
const records: { partition: number; record: PartitionRecord }[] = [];
const nextOffset = new Map<string, number>();
for (const event of events) {
  const partition = event.data.orgId === 'O1' ? 0 : 1;
  const topic = sourceTopicOf(event.type);
  const offset = nextOffset.get(`${partition}|${topic}`) ?? 0;
  nextOffset.set(`${partition}|${topic}`, offset + 1);
  records.push({ partition, record: { topic, offset, event } });
}

// Deliveries as a consumer far behind sees them: each topic-partition read in batches of 1–300 at its
// own pace, so one topic runs days ahead of another; the processor's merge puts them back in time order.
function* deliveries(seed: number) {
  let s = seed;
  const random = () => (s = (s * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
  const logs = new Map<string, { partition: number; records: PartitionRecord[]; at: number }>();
  for (const { partition, record } of records) {
    const key = `${partition}|${record.topic}`;
    const log = logs.get(key) ?? { partition, records: [], at: 0 };
    log.records.push(record);
    logs.set(key, log);
  }
  for (;;) {
    const open = [...logs.values()].filter((l) => l.at < l.records.length);
    if (open.length === 0) return;
    const log = open[Math.floor(random() * open.length)] as (typeof open)[number];
    const size = 1 + Math.floor(random() * 300);
    yield { partition: log.partition, records: log.records.slice(log.at, log.at + size) };
    log.at += size;
  }
}

describe('partition processor (the Kafka path) over real Postgres checkpoints', () => {
  let t: TestDatabase;
  beforeAll(async () => (t = await migratedTestDatabase()));
  afterAll(async () => t.drop());

  it('topics read at their own pace, a member dies mid-stream; its successor restores the checkpoints, is redelivered everything, counts each event once', async () => {
    const store = new IndicatorStateRepository(t.db);
    const options = {
      name: 'indicator-processor',
      store,
      definitions,
      checkpointEvery: 2,
      topics: SOURCE_TOPICS.filter((t) => records.some((r) => r.record.topic === t)), // (no manual scores here)
      idleMs: 1000, // batches: no topic goes idle before the stream ends
    };
    let now = 0; // the wall clock as the merge sees it: one tick a batch
    let tooLate = 0; // the stream is in time order: only a topic folded ahead of another makes events late

    const first = new PartitionProcessor(options);
    await first.assign(0);
    await first.assign(1);
    let delivered = 0;
    for (const { partition, records: batch } of deliveries(7)) {
      tooLate += (await first.receive(partition, batch, now++)).tooLate;
      delivered += batch.length;
      if (delivered % 3 === 0) await first.flush();
      if (delivered > events.length * 0.4) break; // dies: whatever was folded since the last checkpoint is lost
    }
    const checkpoint = await store.loadCheckpoint('indicator-processor/p0');
    expect(Object.keys(checkpoint?.offsets ?? {}).length).toBeGreaterThan(0);

    // the broker redelivers from the start (its committed offsets may lag the checkpoints); the
    // successor skips what its checkpoints hold
    const second = new PartitionProcessor(options);
    await second.assign(0);
    await second.assign(1);
    let folded = 0;
    for (const { partition, records: batch } of deliveries(8)) {
      const result = await second.receive(partition, batch, now++);
      folded += result.events;
      tooLate += result.tooLate;
      await second.flush();
    }
    expect(folded).toBeLessThan(events.length); // the checkpointed part was skipped, not folded again
    expect(tooLate).toBe(0); // the merge folded the topics in time order, across October's end
    // the stream ends: every topic goes quiet, and the merge lets the rest go
    folded += second.releaseAll(Number.POSITIVE_INFINITY).reduce((n, r) => n + r.events, 0);
    await second.flush({ checkpoint: true });

    // each org against evaluate on its own events (each partition's clock is its own org's last event)
    let compared = 0;
    for (const org of ['O1', 'O2']) {
      compared += expectStoredEqualsEvaluate(
        await store.latestValues(org),
        events.filter((e) => e.data.orgId === org),
        definitions,
        { skipRolling: false, timeZone: 'Asia/Shanghai' },
      );
    }
    expect(compared).toBeGreaterThan(500);
  });

  it('counts the first delivery of a key; a later one with other content is a conflict dead letter, after a restore too', async () => {
    const store = new IndicatorStateRepository(t.db);
    const topic = sourceTopicOf('ticket.solved');
    const options = { name: 'conflicts', store, definitions, checkpointEvery: 1, topics: [topic], idleMs: 0 };
    const solved = (contacts: number, offset: number): PartitionRecord => ({
      topic,
      offset,
      event: {
        specversion: '1.0',
        id: 'dup-1',
        source: 'ticketing/zendesk',
        type: 'ticket.solved',
        time: '2026-11-03T10:00:00+08:00',
        data: {
          orgId: 'O1',
          teamId: 'T1',
          agentId: 'A1',
          ticketId: 'k-dup',
          contacts,
          handleSeconds: 60,
          resolutionSeconds: 90,
        },
      },
    });
    const deadLetters = async (p: PartitionProcessor, batch: PartitionRecord[]) => {
      const folds = [await p.receive(0, batch, 0), ...p.releaseAll(Number.POSITIVE_INFINITY)];
      return folds.flatMap((f) => f.rejected).map((r) => [r.eventId, r.field, r.code]);
    };

    const first = new PartitionProcessor(options);
    await first.assign(0);
    expect(await deadLetters(first, [solved(1, 0), solved(1, 1), solved(2, 2)])).toEqual([['dup-1', 'id', 'conflict']]);
    await first.flush({ checkpoint: true });

    const second = new PartitionProcessor(options);
    await second.assign(0);
    expect(await deadLetters(second, [solved(3, 3), solved(1, 4)])).toEqual([['dup-1', 'id', 'conflict']]);
  });

  it('keeps the idempotency keys in Postgres, not in memory or the snapshot: a copy redelivered after many checkpoints still counts once', async () => {
    const store = new IndicatorStateRepository(t.db);
    const topic = sourceTopicOf('ticket.solved');
    const options = { name: 'stored-keys', store, definitions, checkpointEvery: 1, topics: [topic], idleMs: 0 };
    const solved = (n: number, offset: number, contacts = 1): PartitionRecord => ({
      topic,
      offset,
      event: {
        specversion: '1.0',
        id: `k-${n}`,
        source: 'ticketing/zendesk',
        type: 'ticket.solved',
        time: new Date(Date.parse('2026-11-03T02:00:00Z') + n * 60_000).toISOString(),
        data: {
          orgId: 'O1',
          teamId: 'T-keys',
          agentId: 'A-keys',
          ticketId: `t-${n}`,
          contacts,
          handleSeconds: 60,
          resolutionSeconds: 90,
        },
      },
    });
    const fold = async (p: PartitionProcessor, batch: PartitionRecord[]) => {
      const folds = [await p.receive(0, batch, 0), ...p.releaseAll(Number.POSITIVE_INFINITY)];
      await p.flush({ checkpoint: true });
      return folds;
    };
    const processor = new PartitionProcessor(options);
    await processor.assign(0);
    await fold(
      processor,
      [0, 1, 2, 3, 4].map((n) => solved(n, n)),
    );
    await fold(
      processor,
      [5, 6].map((n) => solved(n, n)),
    );
    const rows = await t.db.query<{ n: string }[]>(
      `SELECT count(*) AS n FROM processed_keys WHERE processor = 'stored-keys/p0'`,
    );
    expect(Number(rows[0]?.n)).toBe(7);
    const checkpoint = await store.loadCheckpoint('stored-keys/p0');
    const snapshot = checkpoint?.snapshot as { dedup: unknown[]; orgs: { dedup: unknown[] }[] };
    expect(snapshot.dedup).toEqual([]);
    expect(snapshot.orgs.every((o) => o.dedup.length === 0)).toBe(true);

    // a source sends k-1 and k-2 again (new offsets), k-3 with other content, and one new event
    const again = await fold(processor, [solved(1, 7), solved(2, 8), solved(3, 9, 2), solved(7, 10)]);
    expect(again.reduce((n, f) => n + f.events, 0)).toBe(4);
    expect(again.flatMap((f) => f.rejected).map((r) => [r.eventId, r.code])).toEqual([['k-3', 'conflict']]);
    const fcr = (await store.latestValues('O1')).find(
      (v) => v.indicator === 'support.fcr' && v.entity.id === 'A-keys' && v.window === 'month',
    );
    expect(fcr?.denominator).toBe(8); // k-0 … k-7, each once

    // a successor (a rebalance) restores the checkpoint and reads the keys from the store
    const successor = new PartitionProcessor(options);
    await successor.assign(0);
    const later = await fold(successor, [solved(0, 11), solved(4, 12, 3)]);
    expect(later.flatMap((f) => f.rejected).map((r) => [r.eventId, r.code])).toEqual([['k-4', 'conflict']]);
    const after = (await store.latestValues('O1')).find(
      (v) => v.indicator === 'support.fcr' && v.entity.id === 'A-keys' && v.window === 'month',
    );
    expect(after?.denominator).toBe(8);
  });
});
