import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDefinitions } from '#libs/definitions';
import { orderingKey, type EventAppender } from '#libs/event-log';
import { validateEvent, type CanonicalEvent } from '#libs/events';
import { KafkaConnection } from '#libs/kafka';
import { completeStoredCard } from '#libs/pipeline';
import { IndicatorStateRepository, PostgresEventLog, ScorecardsRepository } from '#libs/postgres';
import { simulate } from '#libs/simulator';
import { startTestBroker, type TestBroker } from '../support/kafka-broker';
import { DATABASE_URL, migratedTestDatabase, type TestDatabase } from '../support/postgres';
import { expectCardsEqualEvaluate, expectStoredEqualsEvaluate } from '../support/stored-vs-evaluate';
import { ROOT } from './run-cli';
import { schemaUrl, startAll, startService } from '../support/service-process';

const { set: definitions } = loadDefinitions(join(ROOT, 'definitions/seed'));
const events: CanonicalEvent[] = [];
for (const line of simulate({ orgs: 1, teamsPerOrg: 2, agentsPerTeam: 4, days: 10, start: '2026-11-02', seed: 5 })) {
  const checked = validateEvent(line.event);
  if (checked.ok) events.push(checked.event);
}

// Where the processor's stored state has got to, in events: the Postgres log's offset behind the stored
// values, or over Kafka the next offsets of the (one org's) partition checkpointed in every topic.
const progress = {
  postgres: `SELECT coalesce(max(log_offset), 0)::int AS n FROM indicator_values`,
  kafka: `SELECT coalesce(sum(o.value::int), 0)::int AS n FROM processor_checkpoints, jsonb_each_text(offsets) o`,
};

// The indicator processor as a real process of its own (`node dist/services/indicator-processor/main.js`),
// killed with SIGKILL mid-stream and started again, on the embedded default's Postgres log and over Kafka;
// and every service in one process (`kpi-pulse up`, the feeds in process), whose stored scorecards must
// then be evaluate's too.
describe.each([
  { backend: 'the Postgres event log', kafka: false, together: false },
  { backend: 'Kafka (kafkajs against the test broker)', kafka: true, together: false },
  { backend: 'the Postgres event log, every service in one process', kafka: false, together: true },
])('crash safety over $backend: kill -9 the processor mid-stream, restart it', ({ kafka, together }) => {
  let t: TestDatabase;
  let broker: TestBroker | undefined;
  let connection: KafkaConnection | undefined;
  let appender: EventAppender;
  let env: Record<string, string>;
  beforeAll(async () => {
    t = await migratedTestDatabase();
    env = {
      DATABASE_URL: schemaUrl(DATABASE_URL, t.schema),
      PROCESSOR_BATCH_SIZE: '300',
      PROCESSOR_FLUSH_MS: '20',
      PROCESSOR_CHECKPOINT_EVERY: '4',
      // the clock stays at the last event, as evaluate's does (a tick to today's wall clock would make
      // the rest of November's stream late)
      PROCESSOR_TICK_MS: '0',
    };
    if (kafka) {
      broker = await startTestBroker();
      Object.assign(env, { KAFKA_BROKERS: broker.brokers.join(','), KAFKA_SESSION_TIMEOUT_MS: '6000' });
      // events go in as ingest appends them: keyed by org, acknowledged by the broker
      connection = await KafkaConnection.open({
        brokers: broker.brokers,
        clientId: 'crash-safety',
        partitions: 3,
        replicationFactor: 1,
      });
      appender = connection.sink;
    } else {
      appender = new PostgresEventLog(t.db);
    }
  });
  afterAll(async () => {
    await connection?.close();
    await broker?.close();
    await t.drop();
  });

  it('ends with the values `evaluate` computes on the same events: nothing lost, nothing doubled', async () => {
    const end = events.length;
    const reached = async () =>
      (await t.db.query<{ n: number }[]>(kafka ? progress.kafka : progress.postgres))[0]?.n ?? 0;

    // the events stream in while the processor runs, and go on streaming while it is dead
    const start = () => (together ? startAll(env) : startService('indicator-processor', env));
    const first = await start();
    const streamed = (from: number, to: number) =>
      (async () => {
        for (let i = from; i < to; i += 200) {
          const batch = events.slice(i, Math.min(i + 200, to));
          await appender.append(batch.map((event) => ({ key: orderingKey(event), event })));
          await new Promise((r) => setTimeout(r, 20));
        }
      })();
    // the first 40 % stream in while it runs (a checkpoint may cover them all at once: the rest is held
    // back until it is dead, so it always dies mid-stream), the rest while it is dead
    const head = Math.floor(end * 0.4);
    const stream = streamed(0, head);
    while ((await reached()) < end * 0.3) await new Promise((r) => setTimeout(r, 10));
    first.child.kill('SIGKILL');
    await first.exited;
    const killedAt = await reached();
    expect(killedAt).toBeLessThan(end);
    await stream;
    await streamed(head, end);

    // over Kafka the new instance gets the partition once the broker has expired the dead member
    const second = await start();
    while ((await reached()) < end) await new Promise((r) => setTimeout(r, 50));
    second.child.kill('SIGTERM'); // graceful: a last checkpoint
    expect(await second.exited).toBe(0);
    expect(await reached()).toBe(end);
    const checkpoints = await t.db.query<{ processor: string; duplicates: number }[]>(
      `SELECT processor, (snapshot->'stats'->>'duplicate')::int AS duplicates FROM processor_checkpoints`,
    );
    expect(checkpoints).toHaveLength(1);
    expect(checkpoints[0]?.processor).toMatch(kafka ? /^indicator-processor\/p\d$/ : /^indicator-processor$/);
    expect(checkpoints[0]?.duplicates).toBe(0); // no event was folded twice

    const stored = await new IndicatorStateRepository(t.db).latestValues('O1');
    const compared = expectStoredEqualsEvaluate(stored, events, definitions, {
      skipRolling: false,
      timeZone: 'Asia/Shanghai',
    });
    expect(compared).toBeGreaterThan(500);
    if (together) {
      const stored = await new ScorecardsRepository(t.db).latestIn('O1', ['org', 'team', 'agent']);
      const cards = stored.map((c) => completeStoredCard(c, definitions));
      expect(expectCardsEqualEvaluate(cards, events, definitions, 'Asia/Shanghai')).toBeGreaterThan(10);
    }
  });
});
