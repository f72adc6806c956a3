import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDefinitions } from '#libs/definitions';
import { validateEvent, type CanonicalEvent } from '#libs/events';
import { sourceTopicOf } from '#libs/kafka';
import { PartitionProcessor, type PartitionRecord } from '#libs/pipeline';
import { IndicatorStateRepository } from '#libs/postgres';
import { simulate } from '#libs/simulator';
import { migratedTestDatabase, type TestDatabase } from '../support/postgres';
import { expectStoredEqualsEvaluate } from '../support/stored-vs-evaluate';

const { set: definitions } = loadDefinitions('definitions/seed');
const events: CanonicalEvent[] = [];
for (const line of simulate({ orgs: 2, teamsPerOrg: 2, agentsPerTeam: 2, days: 5, start: '2026-11-02', seed: 21 })) {
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

// Deliveries as a caught-up consumer sees them: the topic-partitions' batches interleaved, each span
// of the stream (1–300 events) handed over as one batch per topic-partition, in random order. (A
// consumer far behind can see topics skewed by more than the allowed lateness: see docs/kafka.md.)
function* deliveries(seed: number) {
  let s = seed;
  const random = () => (s = (s * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
  for (let at = 0; at < records.length;) {
    const size = 1 + Math.floor(random() * 300);
    const groups = new Map<string, { partition: number; records: PartitionRecord[] }>();
    for (const { partition, record } of records.slice(at, at + size)) {
      const key = `${partition}|${record.topic}`;
      const group = groups.get(key) ?? { partition, records: [] };
      group.records.push(record);
      groups.set(key, group);
    }
    yield* [...groups.values()].sort(() => random() - 0.5);
    at += size;
  }
}

describe('partition processor (the Kafka path) over real Postgres checkpoints', () => {
  let t: TestDatabase;
  beforeAll(async () => (t = await migratedTestDatabase()));
  afterAll(async () => t.drop());

  it('a member dies mid-stream; its successor restores the checkpoints, is redelivered everything, counts each event once', async () => {
    const store = new IndicatorStateRepository(t.db);
    const options = { name: 'indicator-processor', store, definitions, checkpointEvery: 2 };

    const first = new PartitionProcessor(options);
    await first.assign(0);
    await first.assign(1);
    let delivered = 0;
    for (const { partition, records: batch } of deliveries(7)) {
      first.fold(partition, batch);
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
      folded += second.fold(partition, batch).folded;
      await second.flush();
    }
    expect(folded).toBeLessThan(events.length); // the checkpointed part was skipped, not folded again
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
});
