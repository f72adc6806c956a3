// Ingest's commit over Kafka (PostgresIngestStore with the Kafka sink) against the test broker: what
// a success keeps, and what a failure keeps, as docs/events.md ("One transaction") says.
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDefinitions } from '#libs/definitions';
import { EVENT_TYPES } from '#libs/events';
import { KafkaConnection, TOPICS } from '#libs/kafka';
import { ingest, type IngestDeps } from '#libs/pipeline';
import { PostgresIngestStore, RejectedEventsRepository } from '#libs/postgres';
import { ticketSolved } from '../support/events';
import { startTestBroker, type TestBroker } from '../support/kafka-broker';
import { migratedTestDatabase, type TestDatabase } from '../support/postgres';

describe('ingest over Kafka: events and dead letters go to the brokers, dead letters to the table too', () => {
  let t: TestDatabase;
  let broker: TestBroker;
  let connection: KafkaConnection;
  let admin: Admin;
  let deps: IngestDeps;
  beforeAll(async () => {
    t = await migratedTestDatabase();
    broker = await startTestBroker();
    connection = await KafkaConnection.open({
      brokers: broker.brokers,
      clientId: 'ingest-kafka',
      partitions: 2,
      replicationFactor: 1,
    });
    admin = new Kafka({ clientId: 'ingest-kafka-admin', brokers: broker.brokers, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    deps = {
      store: new PostgresIngestStore(t.db, connection.sink),
      definitions: loadDefinitions('definitions/seed').set,
      source: { id: 's1', orgId: 'O1', uri: 'ticketing/zendesk', name: 'Zendesk', eventTypes: EVENT_TYPES },
    };
  });
  afterAll(async () => {
    await admin.disconnect();
    await connection.close();
    await broker.close();
    await t.drop();
  });

  // messages held by a topic: the sum of its partitions' high watermarks
  const held = async (topic: string) =>
    (await admin.fetchTopicOffsets(topic)).reduce((sum, p) => sum + Number(p.high), 0);
  const rows = async () =>
    Number((await t.db.query<{ n: string }[]>(`SELECT count(*) AS n FROM rejected_events`))[0]?.n);

  it('a success: the event on its topic, the dead letter on the dead-letter topic and in rejected_events', async () => {
    const outcomes = await ingest([ticketSolved('k1'), ticketSolved('k2', 0)], deps);
    expect(outcomes.map((o) => [o.status, o.topic])).toEqual([
      ['accepted', TOPICS.ticketing],
      ['rejected', undefined],
    ]);
    expect(await held(TOPICS.ticketing)).toBe(1);
    expect(await held(TOPICS.deadLetter)).toBe(1);
    expect((await new RejectedEventsRepository(t.db).latest(5)).map((d) => d.code)).toEqual(['invalid_value']);
  });

  it('a failure keeps no dead letter, in the table or on the topic; an event the broker acknowledged stays and counts once', async () => {
    const [events, deadOnTopic, deadInTable] = [
      await held(TOPICS.ticketing),
      await held(TOPICS.deadLetter),
      await rows(),
    ];
    await t.db.query(`ALTER TABLE rejected_events RENAME TO rejected_events_away`);
    try {
      await expect(ingest([ticketSolved('k3'), ticketSolved('k4', 0)], deps)).rejects.toThrow(/rejected_events/);
    } finally {
      await t.db.query(`ALTER TABLE rejected_events_away RENAME TO rejected_events`);
    }
    expect(await held(TOPICS.deadLetter)).toBe(deadOnTopic);
    expect(await rows()).toBe(deadInTable);
    // as documented: Kafka and Postgres share no transaction, so the event reached its topic; the retry
    // appends it again and the processor counts the first copy of (source, id) only
    expect(await held(TOPICS.ticketing)).toBe(events + 1);
  });
});
