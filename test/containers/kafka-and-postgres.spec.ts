import { KafkaContainer, type StartedKafkaContainer } from '@testcontainers/kafka';
import { PostgreSqlContainer, type StartedPostgreSqlContainer } from '@testcontainers/postgresql';
import { Kafka, logLevel } from 'kafkajs';
import { getContainerRuntimeClient } from 'testcontainers';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadDefinitions } from '#libs/definitions';
import { validateEvent, type CanonicalEvent } from '#libs/events';
import { TOPICS } from '#libs/kafka';
import { IndicatorStateRepository } from '#libs/postgres';
import { simulate } from '#libs/simulator';
import { loadConfig } from '../../services/runtime/src/config';
import { up, type Running } from '../../services/runtime/src/up';
import { ticketSolved } from '../support/events';
import { ownSources, postAsSources } from '../support/sources';
import { expectStoredEqualsEvaluate } from '../support/stored-vs-evaluate';
import { AUTH_ENV } from '../support/tokens';

// The same services on a real Kafka (KRaft) and a real Postgres, started by testcontainers. They need a
// Docker engine: where there is none (as on this project's CI machine, where the wire-protocol test
// broker stands in for Kafka) the tests are skipped, and the reason is printed.
// Resolved once: whether testcontainers finds a Docker engine, and if not, why.
const docker = getContainerRuntimeClient().then(
  () => undefined,
  (err: unknown) => (err instanceof Error ? err.message : String(err)),
);

const { set: definitions } = loadDefinitions('definitions/seed');
const simulated: CanonicalEvent[] = [];
for (const line of simulate({ orgs: 3, teamsPerOrg: 2, agentsPerTeam: 3, days: 3, start: '2026-11-02', seed: 21 })) {
  const checked = validateEvent(line.event);
  if (checked.ok) simulated.push(checked.event);
}
const events = ownSources(simulated); // each org's systems are sources of its own
const tokens = new Map<string, string>(); // their write tokens

describe('on Kafka and Postgres containers (testcontainers)', () => {
  let kafka: StartedKafkaContainer | undefined;
  let postgres: StartedPostgreSqlContainer | undefined;
  let running: Running;
  let brokers: string;
  beforeAll(async () => {
    const missing = await docker;
    if (missing !== undefined) {
      process.stdout.write(`testcontainers tests skipped: no Docker engine (${missing})\n`);
      return;
    }
    [kafka, postgres] = await Promise.all([
      new KafkaContainer('confluentinc/cp-kafka:7.7.1').withKraft().start(),
      new PostgreSqlContainer('postgres:16-alpine').start(),
    ]);
    brokers = `${kafka.getHost()}:${kafka.getMappedPort(9093)}`; // the container's plaintext listener
    const config = loadConfig({
      DATABASE_URL: postgres.getConnectionUri(),
      KAFKA_BROKERS: brokers,
      KAFKA_PARTITIONS: '3',
      PROCESSOR_TICK_MS: '0',
      PORT: '0',
      LOG_LEVEL: 'error',
      ...AUTH_ENV,
    });
    running = await up(config);
  }, 300_000);
  afterAll(async () => {
    if (kafka === undefined) return;
    await running.close();
    await Promise.all([kafka.stop(), postgres?.stop()]);
  });
  beforeEach(async (test) => {
    const missing = await docker;
    if (missing !== undefined) test.skip(`no Docker engine: ${missing}`);
  });

  it('events posted over HTTP go through Kafka; the stored values equal evaluate', async () => {
    for (let i = 0; i < events.length; i += 500) {
      for (const r of await postAsSources(running.database.db, running.url, events.slice(i, i + 500), tokens))
        expect(r.status).toBe(202);
    }
    const store = new IndicatorStateRepository(running.database.db);
    const orgs = [...new Set(events.map((e) => e.data.orgId))];
    await expect
      .poll(
        async () => {
          let compared = 0;
          for (const orgId of orgs) {
            const own = events.filter((e) => e.data.orgId === orgId);
            compared += expectStoredEqualsEvaluate(await store.latestValues(orgId), own, definitions, {
              skipRolling: false,
              timeZone: 'Asia/Shanghai',
            });
          }
          return compared;
        },
        { timeout: 60_000, interval: 500 },
      )
      .toBeGreaterThan(500);
  });

  it('an invalid event is answered with the field, code and reason, and lands on the dead-letter topic with them', async () => {
    const bad = ticketSolved('bad-1', -1);
    const [r] = await postAsSources(running.database.db, running.url, [bad], tokens);
    if (r === undefined) throw new Error('no answer');
    const body = (await r.json()) as {
      rejected: number;
      results: { field?: string; code?: string; reason?: string }[];
    };
    expect(body.rejected).toBe(1);
    expect(body.results[0]).toMatchObject({ field: 'data.contacts', code: 'invalid_value' });
    expect(body.results[0]?.reason).toMatch(/^data\.contacts: /);
    const consumer = new Kafka({ brokers: [brokers], logLevel: logLevel.NOTHING }).consumer({ groupId: 'dlq-check' });
    await consumer.connect();
    await consumer.subscribe({ topics: [TOPICS.deadLetter], fromBeginning: true });
    const headers = await new Promise<Record<string, string>>((resolve) => {
      void consumer.run({
        eachMessage: ({ message }) =>
          Promise.resolve(
            resolve({
              reason: String(message.headers?.reason),
              field: String(message.headers?.field),
              code: String(message.headers?.code),
            }),
          ),
      });
    });
    await consumer.disconnect();
    expect(headers).toEqual({ reason: body.results[0]?.reason, field: 'data.contacts', code: 'invalid_value' });
  });
});
