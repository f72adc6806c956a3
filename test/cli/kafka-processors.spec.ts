import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDefinitions } from '#libs/definitions';
import { validateEvent, type CanonicalEvent } from '#libs/events';
import { partitionOfOrg } from '#libs/kafka';
import { IndicatorStateRepository } from '#libs/postgres';
import { simulate } from '#libs/simulator';
import { startTestBroker, type TestBroker } from '../support/kafka-broker';
import { DATABASE_URL, migratedTestDatabase, type TestDatabase } from '../support/postgres';
import { schemaUrl, startService, type ServiceProcess } from '../support/service-process';
import { ownSources, postAsSources } from '../support/sources';
import { expectStoredEqualsEvaluate } from '../support/stored-vs-evaluate';

const { set: definitions } = loadDefinitions('definitions/seed');
const simulated: CanonicalEvent[] = [];
for (const line of simulate({ orgs: 5, teamsPerOrg: 2, agentsPerTeam: 2, days: 4, start: '2026-11-02', seed: 9 })) {
  const checked = validateEvent(line.event);
  if (checked.ok) simulated.push(checked.event);
}
// each org's systems are sources of its own
const events = ownSources(simulated);
// The orgs of each partition, as the producer's default partitioner places them. Each org has its own
// clock in its partition's engine, at its own last event: each org is compared with evaluate on its events.
const byPartition = new Map<number, CanonicalEvent[]>();
const byOrg = new Map<string, CanonicalEvent[]>();
for (const e of events) {
  const p = partitionOfOrg(e.data.orgId, 4);
  byPartition.set(p, [...(byPartition.get(p) ?? []), e]);
  byOrg.set(e.data.orgId, [...(byOrg.get(e.data.orgId) ?? []), e]);
}

// The services over the real kafkajs client, against the in-process test broker (test/support/kafka-broker):
// two indicator processors in one consumer group, one killed with SIGKILL mid-stream.
describe('indicator processors in a Kafka consumer group (kafkajs against the test broker)', () => {
  let broker: TestBroker;
  let t: TestDatabase;
  const running: ServiceProcess[] = [];
  let env: Record<string, string>;
  beforeAll(async () => {
    broker = await startTestBroker();
    t = await migratedTestDatabase();
    env = {
      DATABASE_URL: schemaUrl(DATABASE_URL, t.schema),
      KAFKA_BROKERS: broker.brokers.join(','),
      KAFKA_PARTITIONS: '4',
      KAFKA_SESSION_TIMEOUT_MS: '6000',
      PROCESSOR_FLUSH_MS: '50',
      PROCESSOR_CHECKPOINT_EVERY: '2',
      PROCESSOR_TICK_MS: '0', // the clock stays at the last event, as evaluate's does
    };
  });
  afterAll(async () => {
    for (const s of running) s.child.kill('SIGKILL');
    await broker.close();
    await t.drop();
  });

  it('a processor killed mid-stream loses its partitions to the other; the values equal evaluate', async () => {
    const ingest = await startService('ingest-gateway', env);
    running.push(ingest);
    const [first, second] = await Promise.all([
      startService('indicator-processor', env),
      startService('indicator-processor', env),
    ]);
    running.push(first, second);

    const tokens = new Map<string, string>();
    const post = async (batch: CanonicalEvent[]) => {
      for (const r of await postAsSources(t.db, ingest.url, batch, tokens)) {
        expect(r.status).toBe(202);
        const body = (await r.json()) as { rejected: number; results: { topic?: string }[] };
        expect(body.rejected).toBe(0);
        expect(body.results[0]?.topic).toMatch(/^kpi\.events\./);
      }
    };
    const cut = Math.floor(events.length * 0.4);
    for (let i = 0; i < cut; i += 500) await post(events.slice(i, Math.min(cut, i + 500)));
    // let both fold for a while, then kill one without a word
    await new Promise((r) => setTimeout(r, 1500));
    first.child.kill('SIGKILL');
    await first.exited;
    const killedAt = new Date();
    for (let i = cut; i < events.length; i += 500) await post(events.slice(i, Math.min(events.length, i + 500)));

    // the survivor takes every partition once the broker expires the dead member, and catches up
    const store = new IndicatorStateRepository(t.db);
    const deadline = Date.now() + 60_000;
    let lastError: unknown;
    for (;;) {
      try {
        let compared = 0;
        for (const [org, orgEvents] of byOrg) {
          compared += expectStoredEqualsEvaluate(await store.latestValues(org), orgEvents, definitions, {
            skipRolling: false,
            timeZone: 'Asia/Shanghai',
          });
        }
        expect(compared).toBeGreaterThan(1000);
        break;
      } catch (err) {
        lastError = err;
        if (Date.now() > deadline) throw lastError;
        await new Promise((r) => setTimeout(r, 500));
      }
    }
    const checkpoints = await t.db.query<{ processor: string }[]>(
      `SELECT processor FROM processor_checkpoints ORDER BY processor`,
    );
    // the 5 orgs sit in partitions 0, 1 and 3: each processor held some (0 and 2 to one member, 1 and 3 to
    // the other), and after the kill the survivor checkpointed them all
    const used = [...byPartition.keys()].sort((a, b) => a - b);
    expect(used).toEqual([0, 1, 3]);
    expect(checkpoints.map((c) => c.processor)).toEqual(used.map((p) => `indicator-processor/p${p}`));
    const since = await t.db.query<{ processor: string }[]>(
      `SELECT processor FROM processor_checkpoints WHERE updated_at > $1 ORDER BY processor`,
      [killedAt],
    );
    expect(since.map((c) => c.processor)).toEqual(used.map((p) => `indicator-processor/p${p}`));
  });
});
