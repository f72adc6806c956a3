import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { loadDefinitions, type DefinitionSet } from '#libs/definitions';
import { orderingKey, type LogRecord } from '#libs/event-log';
import { validateEvent, type CanonicalEvent } from '#libs/events';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { KafkaConnection, KafkaPartitionSource, SOURCE_TOPICS } from '#libs/kafka';
import {
  LogSource,
  PartitionProcessor,
  ProcessorRunner,
  type Folded,
  type ProcessorSource,
  type ProcessorWrite,
} from '#libs/pipeline';
import { createDataSource, IndicatorStateRepository, migrate, PostgresEventLog } from '#libs/postgres';
import { simulate } from '#libs/simulator';
import { loadConfig } from '../../services/runtime/src/config';
import { openDatabase } from '../../services/runtime/src/database';
import { startTestBroker } from '../support/kafka-broker';
import { NO_METRICS, PassingSource, PassingStore } from './passing-through';

export interface KafkaBenchOptions {
  events: number;
  partitions: number;
  orgs: number;
  produceBatch: number; // events per `sink.append`, as one ingest request appends them
  checkpointEvery: number;
  comparePostgresLog: boolean;
}

export interface WriteStats {
  writes: number; // store transactions (one per partition with something to write, per flush)
  checkpoints: number;
  rows: number; // value rows written
  ms: number; // mean time of one write
}

export interface KafkaBenchResult {
  broker: string; // what was measured against, for the output's label
  realKafka: boolean;
  database: string;
  events: number;
  folded: number; // by the consumer: more than `events` would mean it read earlier runs' messages too
  partitions: number; // of every source topic
  busyPartitions: number; // that received events (orgs are spread by the murmur2 partitioner)
  produceSeconds: number;
  producePerSecond: number;
  joinSeconds: number; // consumer start → first batch received (group join, first fetch)
  foldSeconds: number; // consumer start → every event folded
  foldPerSecond: number;
  storeSeconds: number; // consumer start → every change folded is written (values durable, not yet checkpointed)
  storePerSecond: number;
  checkpointSeconds: number; // consumer start → every partition's checkpoint covers every produced offset
  checkpointPerSecond: number;
  flushRounds: number;
  writes: WriteStats;
  valueRows: number; // indicator_values rows at the end
  tooLate: number; // events too late for a closed period: should be 0, the merge across topics keeps event time
  rejected: number;
  errors: string[];
  postgresLog?: PostgresLogResult;
}

export interface PostgresLogResult {
  appendSeconds: number;
  foldSeconds: number; // start → every event folded
  foldPerSecond: number;
  storeSeconds: number; // start → caught up, then the last changes written
  storePerSecond: number;
  checkpointSeconds: number; // start → caught up, then a last checkpoint written (the service checkpoints on its cadence)
  checkpointPerSecond: number;
  writes: WriteStats;
  valueRows: number;
  tooLate: number;
}

// The production defaults (PROCESSOR_FLUSH_MS, PROCESSOR_BATCH_SIZE) and the indicator processor's
// merge window over Kafka (MERGE_IDLE_MS in libs/kafka's connection).
const DEFAULTS = loadConfig({});
const MERGE_IDLE_MS = 200;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// Counts and times the store's writes; the repository underneath is the production one.
class CountingStore extends PassingStore {
  writes = 0;
  checkpoints = 0;
  rows = 0;
  private ms = 0;

  override async save(write: ProcessorWrite): Promise<void> {
    const started = performance.now();
    await this.inner.save(write);
    this.ms += performance.now() - started;
    this.writes++;
    this.rows += write.changes.length;
    if (write.checkpoint !== undefined) this.checkpoints++;
  }

  stats(): WriteStats {
    return { writes: this.writes, checkpoints: this.checkpoints, rows: this.rows, ms: this.ms / (this.writes || 1) };
  }
}

// A production source, observed: when the first events were folded, when the last one was, when the
// flush that took the last changes had written them.
class ObservedSource extends PassingSource {
  folded = 0;
  tooLate = 0;
  rejected = 0;
  flushRounds = 0;
  firstReceivedAt: number | undefined;
  allFoldedAt: number | undefined;
  allStoredAt: number | undefined;

  constructor(
    inner: ProcessorSource,
    private readonly expected: number,
  ) {
    super(inner);
  }

  override async fold(): Promise<Folded> {
    const result = await this.inner.fold();
    if (result.events > 0) this.firstReceivedAt ??= performance.now();
    this.folded += result.events;
    this.tooLate += result.tooLate;
    this.rejected += result.rejected.length;
    if (this.folded >= this.expected) this.allFoldedAt ??= performance.now();
    return result;
  }

  override async flush(options: { checkpoint?: boolean; outbox: boolean }): Promise<void> {
    this.flushRounds++;
    const last = this.allFoldedAt !== undefined; // with tickMs 0 nothing changes after the last fold
    await this.inner.flush(options);
    if (last) this.allStoredAt ??= performance.now();
  }
}

// The runner as the indicator processor service runs it, minus scoring: the changes are only stored.
function runProcessor(source: ProcessorSource, errors: string[]): ProcessorRunner {
  return ProcessorRunner.start({
    source,
    changes: { kind: 'send', send: () => Promise.resolve() },
    rejections: { record: () => Promise.resolve() },
    metrics: NO_METRICS,
    logger: { error: (message) => errors.push(message), warn: () => undefined },
    now: () => Date.now(),
    flushMs: DEFAULTS.processorFlushMs,
    tickMs: 0, // the clock stays at the events' time (a tick to today would make them late)
  });
}

// N simulated events over `orgs` orgs (2 teams of 5 agents each), validated as ingest validates them.
function benchEvents(n: number, orgs: number): CanonicalEvent[] {
  const events: CanonicalEvent[] = [];
  const stream = simulate({ orgs, teamsPerOrg: 2, agentsPerTeam: 5, days: 3650, start: '2026-11-02', seed: 11 });
  for (const line of stream) {
    const checked = validateEvent(line.event);
    if (checked.ok) events.push(checked.event);
    if (events.length === n) break;
  }
  return events;
}

export interface BenchDatabase {
  db: DataSource;
  where: string;
  postgresDir?: string; // the embedded server's data directory (its postmaster.pid names its processes)
  close(): Promise<void>;
}

// DATABASE_URL, or an embedded Postgres in a temporary directory (as the pipeline bench); either way a
// schema of its own, migrated with the real migrations and dropped afterwards.
export async function benchDatabase(port = 56_100): Promise<BenchDatabase> {
  const url = process.env.DATABASE_URL;
  const dataDir = url === undefined ? mkdtempSync(join(tmpdir(), 'kpi-bench-db-')) : undefined;
  const server = dataDir === undefined ? undefined : await openDatabase({ dataDir, port });
  const base = server?.url ?? url ?? '';
  const schema = `bench_${randomBytes(6).toString('hex')}`;
  const admin = createDataSource({ url: base, poolSize: 1 });
  await admin.initialize();
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.destroy();
  const db = createDataSource({ url: base, schema, poolSize: 4 });
  await db.initialize();
  await migrate(db);
  return {
    db,
    where: server === undefined ? `DATABASE_URL, schema ${schema}` : `embedded Postgres, schema ${schema}`,
    ...(dataDir === undefined ? {} : { postgresDir: join(dataDir, 'postgres') }),
    close: async () => {
      await db.query(`DROP SCHEMA ${schema}_reporting, ${schema} CASCADE`); // and the reporting views of its data
      await db.destroy();
      await server?.close();
      if (dataDir !== undefined) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

type Offsets = Map<string, Map<number, number>>; // topic → partition → high watermark

async function highWatermarks(admin: Admin): Promise<Offsets> {
  const out: Offsets = new Map();
  for (const topic of SOURCE_TOPICS) {
    const partitions = await admin.fetchTopicOffsets(topic);
    out.set(topic, new Map(partitions.map((p) => [p.partition, Number(p.high)])));
  }
  return out;
}

// Produce → consume → fold → checkpoint through kafkajs: the events go in through ingest's sink before
// the clock starts; then the production consumer (one member, an engine per partition, the real
// repository on Postgres) runs until every partition's checkpoint covers every produced offset.
export async function benchKafka(options: KafkaBenchOptions): Promise<KafkaBenchResult> {
  const { set: definitions } = loadDefinitions(DEFAULTS.definitionsPath);
  const events = benchEvents(options.events, options.orgs);
  const brokersEnv = process.env.KAFKA_BROKERS?.trim() ?? '';
  const realKafka = brokersEnv !== '';
  const cleanup: (() => Promise<void>)[] = []; // undone in reverse, whatever fails on the way
  try {
    const broker = realKafka ? undefined : await startTestBroker();
    if (broker !== undefined) cleanup.push(() => broker.close());
    const brokers = broker?.brokers ?? brokersEnv.split(',').map((b) => b.trim());
    const database = await benchDatabase();
    cleanup.push(() => database.close());
    const id = randomBytes(4).toString('hex');
    const connection = await KafkaConnection.open({
      brokers,
      clientId: `kpi-pulse-bench-${id}`,
      partitions: options.partitions,
      replicationFactor: Number(process.env.KAFKA_REPLICATION_FACTOR ?? 1),
    });
    cleanup.push(() => connection.close());
    const kafka = new Kafka({ clientId: `kpi-pulse-bench-${id}`, brokers, logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    cleanup.push(() => admin.disconnect());

    // on a real cluster the topics may hold earlier runs' messages: the new group starts after them
    const before = await highWatermarks(admin);
    const producing = performance.now();
    for (let i = 0; i < events.length; i += options.produceBatch) {
      const records = events
        .slice(i, i + options.produceBatch)
        .map((event): LogRecord => ({ key: orderingKey(event), event }));
      await connection.sink.append(records);
    }
    const produceSeconds = (performance.now() - producing) / 1000;
    const after = await highWatermarks(admin);

    const groupId = `kpi-pulse-bench-${id}`;
    for (const topic of SOURCE_TOPICS) {
      const start = [...(before.get(topic) ?? [])].filter(([, offset]) => offset > 0);
      if (start.length > 0) {
        const partitions = start.map(([partition, offset]) => ({ partition, offset: String(offset) }));
        await admin.setOffsets({ groupId, topic, partitions });
      }
    }
    const busy = new Set<number>();
    for (const [topic, partitions] of after) {
      for (const [p, high] of partitions) if (high > (before.get(topic)?.get(p) ?? 0)) busy.add(p);
    }

    const store = new CountingStore(new IndicatorStateRepository(database.db));
    const name = `bench-kafka-${id}`; // checkpoints `<name>/p<n>`, unique to this run
    const errors: string[] = [];
    const started = performance.now();
    const processor = new ObservedSource(
      await KafkaPartitionSource.open({
        kafka,
        groupId,
        processor: new PartitionProcessor({
          name,
          store,
          definitions,
          checkpointEvery: options.checkpointEvery,
          topics: SOURCE_TOPICS,
          idleMs: MERGE_IDLE_MS,
        }),
        definitions,
      }),
      events.length,
    );
    const runner = runProcessor(processor, errors);
    let stopped: Promise<void> | undefined;
    const stop = () => (stopped ??= runner.stop());
    cleanup.push(stop);
    const checkpointedAt = await untilCheckpointed(database.db, name, before, after, started, errors);
    await stop();

    const foldSeconds = ((processor.allFoldedAt ?? Number.NaN) - started) / 1000;
    const storeSeconds = ((processor.allStoredAt ?? Number.NaN) - started) / 1000;
    const checkpointSeconds = (checkpointedAt - started) / 1000;
    const result: KafkaBenchResult = {
      broker: realKafka ? `Kafka at ${brokers.join(',')}` : 'the in-process test broker (a test fixture, not Kafka)',
      realKafka,
      database: database.where,
      events: events.length,
      folded: processor.folded,
      partitions: connection.partitions,
      busyPartitions: busy.size,
      produceSeconds,
      producePerSecond: events.length / produceSeconds,
      joinSeconds: ((processor.firstReceivedAt ?? Number.NaN) - started) / 1000,
      foldSeconds,
      foldPerSecond: events.length / foldSeconds,
      storeSeconds,
      storePerSecond: events.length / storeSeconds,
      checkpointSeconds,
      checkpointPerSecond: events.length / checkpointSeconds,
      flushRounds: processor.flushRounds,
      writes: store.stats(),
      valueRows: await valueRows(database.db),
      tooLate: processor.tooLate,
      rejected: processor.rejected,
      errors,
    };
    if (realKafka) await admin.deleteGroups([groupId]).catch(() => undefined);
    if (options.comparePostgresLog) {
      // the same events, folded by the Postgres-log processor on fresh value tables
      await database.db.query(`TRUNCATE indicator_values, indicator_value_history`);
      result.postgresLog = await benchPostgresLog(database.db, definitions, events, options.checkpointEvery);
    }
    return result;
  } finally {
    for (const undo of cleanup.reverse()) await undo();
  }
}

// Polls the checkpoints until each partition's covers every offset produced into it.
async function untilCheckpointed(
  db: DataSource,
  name: string,
  before: Offsets,
  after: Offsets,
  started: number,
  errors: readonly string[],
): Promise<number> {
  const deadline = started + 10 * 60_000;
  for (;;) {
    const rows = await db.query<{ processor: string; offsets: Record<string, number> | null }[]>(
      `SELECT processor, offsets FROM processor_checkpoints WHERE processor LIKE $1`,
      [`${name}/p%`],
    );
    const checkpointed = new Map(rows.map((r) => [r.processor, r.offsets ?? {}]));
    let behind = 0;
    for (const [topic, partitions] of after) {
      for (const [p, high] of partitions) {
        const from = before.get(topic)?.get(p) ?? 0;
        const at = checkpointed.get(`${name}/p${p}`)?.[topic] ?? from;
        behind += Math.max(0, high - at);
      }
    }
    if (behind === 0) return performance.now();
    if (performance.now() > deadline) {
      throw new Error(
        `not checkpointed after 10 min: ${behind} offsets behind; errors: ${errors.join('; ') || 'none'}`,
      );
    }
    await sleep(20);
  }
}

// The embedded default's processor on the same events: the Postgres log, one engine, polls of
// PROCESSOR_BATCH_SIZE, a flush every PROCESSOR_FLUSH_MS while polling on (as the service runs it).
async function benchPostgresLog(
  db: DataSource,
  definitions: DefinitionSet,
  events: readonly CanonicalEvent[],
  checkpointEvery: number,
): Promise<PostgresLogResult> {
  const log = new PostgresEventLog(db);
  const appending = performance.now();
  for (let i = 0; i < events.length; i += 1000) {
    await log.append(events.slice(i, i + 1000).map((event): LogRecord => ({ key: orderingKey(event), event })));
  }
  const appendSeconds = (performance.now() - appending) / 1000;
  const end = await log.endOffset();
  const store = new CountingStore(new IndicatorStateRepository(db));
  const started = performance.now();
  const errors: string[] = [];
  const source = new ObservedSource(
    await LogSource.open({
      name: 'bench-postgres-log',
      log,
      store,
      definitions,
      batchSize: DEFAULTS.processorBatchSize,
      checkpointEvery,
    }),
    end,
  );
  const runner = runProcessor(source, errors);
  while (source.allStoredAt === undefined && errors.length === 0) await sleep(5);
  await runner.stop(); // the last checkpoint
  if (errors.length > 0) throw new Error(`the Postgres-log processor failed: ${errors.join('; ')}`);
  const foldSeconds = ((source.allFoldedAt ?? Number.NaN) - started) / 1000;
  const storeSeconds = ((source.allStoredAt ?? Number.NaN) - started) / 1000;
  const checkpointSeconds = (performance.now() - started) / 1000;
  const tooLate = source.tooLate;
  return {
    appendSeconds,
    foldSeconds,
    foldPerSecond: events.length / foldSeconds,
    storeSeconds,
    storePerSecond: events.length / storeSeconds,
    checkpointSeconds,
    checkpointPerSecond: events.length / checkpointSeconds,
    writes: store.stats(),
    valueRows: await valueRows(db),
    tooLate,
  };
}

async function valueRows(db: DataSource): Promise<number> {
  const [row] = await db.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM indicator_values`);
  return row?.n ?? 0;
}
