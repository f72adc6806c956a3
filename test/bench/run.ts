import { cpus } from 'node:os';
import { benchAlertEvaluation, benchAlertLatency } from './alerts.bench';
import { benchDuckdb } from './duckdb.bench';
import { benchBruteForce, benchEngine, benchEvents, benchHandFold, type EngineBenchResult } from './engine.bench';
import { benchKafka } from './kafka.bench';
import { benchPipeline } from './pipeline.bench';
import { benchPreview } from './preview.bench';
import { benchProcessor } from './processor.bench';

// `npm run bench`: figures for docs/benchmarks.md. Timed here, never in tests.
// BENCH=engine|duckdb|pipeline|processor|kafka|alerts|preview|all (default all), BENCH_DUCKDB_EVENTS (an event file
// instead of the simulated month of 1,000 agents), BENCH_PREVIEW_TEAMS, BENCH_PREVIEW_AGENTS, BENCH_PREVIEW_DAYS,
// BENCH_ALERT_UPDATES, BENCH_ALERT_RATE, BENCH_ALERT_SECONDS,
// BENCH_ALERT_CROSSINGS, BENCH_DAYS, BENCH_BRUTE_EVENTS, BENCH_SECONDS, BENCH_RATES,
// BENCH_KAFKA_EVENTS, BENCH_KAFKA_PARTITIONS, BENCH_KAFKA_ORGS, BENCH_KAFKA_BATCH, BENCH_KAFKA_CHECKPOINT_EVERY,
// BENCH_KAFKA_COMPARE (0: skip the Postgres-log run); KAFKA_BROKERS: a real Kafka instead of the test broker;
// BENCH_PROCESSOR_EVENTS, BENCH_PROCESSOR_RATE (events per second of event time), BENCH_PROCESSOR_PROFILE (a
// .cpuprofile file of the drain).
const which = process.env.BENCH ?? 'all';
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

function engineBench(): void {
  const days = Number(process.env.BENCH_DAYS ?? 3);
  console.log(
    `\nindicator engine, one core: 1,000 agents in 50 teams, 30 indicators × (rolling 24h + month), ${days} simulated days`,
  );
  const runs: [string, boolean, number][] = [
    ['fold per event, dedup on ', true, 1],
    ['fold per event, dedup off', false, 1],
    ['batches of 500, dedup on ', true, 500],
    ['batches of 500, dedup off', false, 500],
  ];
  const events = benchEvents(days);
  const line = (label: string, r: EngineBenchResult, dedup: string) =>
    console.log(
      `  ${label}: ${fmt(r.events)} events in ${r.seconds.toFixed(2)} s = ${fmt(r.eventsPerSecond)} events/s, ` +
        `CPU ${r.cpuSeconds.toFixed(2)} s = ${fmt(r.eventsPerCpuSecond)} events per CPU-second, ` +
        `${r.updatesPerEvent.toFixed(2)} state updates/event, ${r.changesPerEvent.toFixed(2)} changes/event, ` +
        `heap ${r.heapMiB.toFixed(0)} MiB${dedup} = ${fmt(r.bytesPerWindow)} bytes per window state (${fmt(r.windowStates)})`,
    );
  // each dedup-off run is followed at once by the hand-written fold of the same work over typed arrays
  // (hand-fold.ts) on the same events: on a shared machine the ratio of the two is what compares
  for (const [label, dedup, batch] of runs) {
    const r = benchEngine(events, dedup, batch);
    line(`engine, ${label}`, r, dedup ? ` (${fmt(r.dedupKeys)} dedup keys)` : '');
    if (dedup) continue;
    const hand = benchHandFold(events, batch);
    line(`hand fold, ${label}`, hand, '');
    console.log(
      `  ratio engine / hand fold (${label.trim()}): ${(r.eventsPerSecond / hand.eventsPerSecond).toFixed(2)} ` +
        `= the hand fold ${(hand.eventsPerSecond / r.eventsPerSecond).toFixed(2)}× as fast (aim: at most 1.5×); ` +
        `on CPU time: ${(r.eventsPerCpuSecond / hand.eventsPerCpuSecond).toFixed(2)} ` +
        `= ${(hand.eventsPerCpuSecond / r.eventsPerCpuSecond).toFixed(2)}× as fast`,
    );
  }
  const b = benchBruteForce(Number(process.env.BENCH_BRUTE_EVENTS ?? 5000));
  console.log(`\nbrute force vs engine, 50 agents, ${fmt(b.events)} events, every value once:`);
  console.log(
    `  engine fold + read all: ${b.engineMs.toFixed(0)} ms; brute-force recomputation: ${b.bruteMs.toFixed(0)} ms; ratio ${(b.bruteMs / b.engineMs).toFixed(0)}×`,
  );
}

async function duckdbBench(): Promise<void> {
  console.log(
    '\nkpi-pulse evaluate against DuckDB, the same 8 indicators (month; agent, team, org) from the same file:',
  );
  const r = await benchDuckdb();
  console.log(`  ${r.file}: ${fmt(r.lines)} lines`);
  for (const [label, f] of [
    ['evaluate', r.evaluate],
    ['DuckDB  ', r.duckdb],
  ] as const) {
    console.log(
      `  ${label}: CPU ${f.cpuSeconds.toFixed(1)} s (user + system, all threads), wall ${f.wallSeconds.toFixed(1)} s, ` +
        `max RSS ${fmt(f.maxRssMiB)} MiB`,
    );
  }
  const same =
    r.differing.length === 0 ? 'all equal' : `${r.differing.length} differ: ${r.differing.slice(0, 5).join('; ')}`;
  console.log(`  values compared: ${fmt(r.compared)}, ${same}`);
  console.log(`  ratio evaluate CPU / DuckDB CPU: ${(r.evaluate.cpuSeconds / r.duckdb.cpuSeconds).toFixed(2)}×`);
}

async function pipelineBench(): Promise<void> {
  const seconds = Number(process.env.BENCH_SECONDS ?? 20);
  const rates = (process.env.BENCH_RATES ?? '1000,5000,20000').split(',').map(Number);
  console.log(
    `\nlive pipeline on the embedded default (one process, embedded Postgres, 100 agents), ${seconds} s per rate:`,
  );
  for (const rate of rates) {
    const r = await benchPipeline(rate, seconds);
    console.log(
      `  target ${fmt(rate)}/s: accepted ${fmt(r.acceptedPerSecond)}/s (${fmt(r.accepted)} events); ` +
        `HTTP acceptance → socket.io update p50 ${r.p50Ms.toFixed(0)} ms, p99 ${r.p99Ms.toFixed(0)} ms (${fmt(r.measured)} events measured); ` +
        `${fmt(r.polls)} polls of the log, ${r.foldMs.toFixed(0)} ms each to read and fold; ` +
        `${fmt(r.flushes)} flushes of changed values, ${r.flushMs.toFixed(0)} ms each; ` +
        `${fmt(r.rounds)} scoring rounds, ${r.scoreMs.toFixed(0)} ms each`,
    );
  }
}

async function processorBench(): Promise<void> {
  const n = Number(process.env.BENCH_PROCESSOR_EVENTS ?? 100_000);
  const rate = Number(process.env.BENCH_PROCESSOR_RATE ?? 10_000);
  const r = await benchProcessor(n, rate, process.env.BENCH_PROCESSOR_PROFILE);
  const pg = (s: number | undefined) =>
    s === undefined
      ? 'not measured (DATABASE_URL: its backends are not told apart from others)'
      : `${s.toFixed(2)} s = ${((s * 1e6) / r.events).toFixed(1)} µs per event`;
  console.log(
    `\nindicator processor draining the Postgres log, CPU time: ${fmt(r.events)} events (100 agents, ${fmt(rate)}/s of event time), ` +
      `seed definitions, ${r.database} (appended in ${r.appendSeconds.toFixed(1)} s, untimed)`,
  );
  console.log(
    `  engine alone (fold + settle, batches of ${fmt(r.batchSize)}): CPU ${r.engine.cpuSeconds.toFixed(2)} s = ` +
      `${r.engine.usPerEvent.toFixed(1)} µs per event = ${fmt(r.engine.eventsPerCpuSecond)} events per CPU-second`,
  );
  console.log(
    `  processor (read, fold, hand on, flush, checkpoint): CPU ${r.processor.cpuSeconds.toFixed(2)} s = ` +
      `${r.processor.usPerEvent.toFixed(1)} µs per event = ${fmt(r.processor.eventsPerCpuSecond)} events per CPU-second ` +
      `(${(r.processor.usPerEvent / r.engine.usPerEvent).toFixed(2)}× the engine; wall ${r.processor.wallSeconds.toFixed(1)} s)`,
  );
  console.log(`  Postgres CPU during the drain: ${pg(r.postgresCpuSeconds)}`);
  console.log(
    `  value flush: ${fmt(r.changes)} changes handed on; ${fmt(r.writes)} writes of ${fmt(r.rowsWritten)} rows, ` +
      `${fmt(r.rowsChanged)} of them changed since the row's previous write; ${fmt(r.valueRows)} value rows stored; ` +
      `${fmt(r.checkpoints)} checkpoints (the last snapshot ${fmt(r.snapshotBytes)} bytes); ` +
      `${fmt(r.tooLate)} too late, ${fmt(r.rejected)} rejected`,
  );
}

async function kafkaBench(): Promise<void> {
  const r = await benchKafka({
    events: Number(process.env.BENCH_KAFKA_EVENTS ?? 100_000),
    partitions: Number(process.env.BENCH_KAFKA_PARTITIONS ?? 6),
    orgs: Number(process.env.BENCH_KAFKA_ORGS ?? 30),
    produceBatch: Number(process.env.BENCH_KAFKA_BATCH ?? 1000),
    checkpointEvery: Number(process.env.BENCH_KAFKA_CHECKPOINT_EVERY ?? 10),
    comparePostgresLog: process.env.BENCH_KAFKA_COMPARE !== '0',
  });
  console.log(`\nkafka: consume → fold → checkpoint through kafkajs, against ${r.broker}`);
  if (!r.realKafka) {
    console.log('  (the test broker runs in this process, on the same event loop as the consumer: not a Kafka figure)');
  }
  console.log(
    `  ${fmt(r.events)} events (${fmt(r.folded)} folded), ${r.partitions} partitions per source topic (${r.busyPartitions} with events), ` +
      `seed definitions, ${r.database}`,
  );
  console.log(
    `  produce (KafkaConnection sink.append, before the clock starts): ${r.produceSeconds.toFixed(2)} s = ` +
      `${fmt(r.producePerSecond)} events/s`,
  );
  console.log(
    `  consumer: first batch after ${r.joinSeconds.toFixed(2)} s (group join); ` +
      `all folded after ${r.foldSeconds.toFixed(2)} s = ${fmt(r.foldPerSecond)} events/s; ` +
      `all values written after ${r.storeSeconds.toFixed(2)} s = ${fmt(r.storePerSecond)} events/s; ` +
      `all checkpointed after ${r.checkpointSeconds.toFixed(2)} s = ${fmt(r.checkpointPerSecond)} events/s`,
  );
  const errors = r.errors.length > 0 ? `: ${r.errors.join('; ')}` : '';
  console.log(
    `  ${fmt(r.flushRounds)} flush rounds; ${fmt(r.writes.writes)} partition writes (${fmt(r.writes.rows)} value rows, ` +
      `${r.writes.ms.toFixed(0)} ms each), ${fmt(r.writes.checkpoints)} of them checkpoints; ` +
      `${fmt(r.valueRows)} value rows stored; ${fmt(r.tooLate)} events too late; ${r.rejected} rejected; ` +
      `${r.errors.length} errors${errors}`,
  );
  const pg = r.postgresLog;
  if (pg === undefined) return;
  console.log(
    `  Postgres-log processor, same events (appended in ${pg.appendSeconds.toFixed(2)} s, untimed): ` +
      `all folded after ${pg.foldSeconds.toFixed(2)} s = ${fmt(pg.foldPerSecond)} events/s; ` +
      `all values written after ${pg.storeSeconds.toFixed(2)} s = ${fmt(pg.storePerSecond)} events/s; ` +
      `then a forced checkpoint after ${pg.checkpointSeconds.toFixed(2)} s`,
  );
  console.log(
    `  ${fmt(pg.writes.writes)} writes (${fmt(pg.writes.rows)} value rows, ${pg.writes.ms.toFixed(0)} ms each), ` +
      `${fmt(pg.writes.checkpoints)} of them checkpoints; ${fmt(pg.valueRows)} value rows stored; ` +
      `${fmt(pg.tooLate)} events too late`,
  );
  console.log(
    `  ratio Kafka / Postgres log: ${(r.foldPerSecond / pg.foldPerSecond).toFixed(2)}× folded, ` +
      `${(r.storePerSecond / pg.storePerSecond).toFixed(2)}× values written ` +
      `(checkpoints are not compared: Kafka's come on the flush cadence, the Postgres log's is forced at the end)`,
  );
}

async function alertsBench(): Promise<void> {
  const e = benchAlertEvaluation(Number(process.env.BENCH_ALERT_UPDATES ?? 200_000));
  console.log(
    `\nalert rules, one core: ${fmt(e.updates)} scorecard updates of ${e.cards.join(', ')} (100 entities each)`,
  );
  console.log(
    `  evaluate the live rules: ${e.evaluateUs.toFixed(1)} µs per update; scoring the card (reference): ` +
      `${e.scoreUs.toFixed(1)} µs; ratio ${(e.evaluateUs / e.scoreUs).toFixed(2)}×; ${fmt(e.transitions)} transitions`,
  );
  const rate = Number(process.env.BENCH_ALERT_RATE ?? 5000);
  const seconds = Number(process.env.BENCH_ALERT_SECONDS ?? 30);
  const l = await benchAlertLatency(rate, seconds, Number(process.env.BENCH_ALERT_CROSSINGS ?? 60));
  console.log(
    `\nred line → webhook on the embedded default, ${fmt(rate)} events/s of background traffic for ${seconds} s ` +
      `(accepted ${fmt(l.acceptedPerSecond)}/s): ${l.delivered} of ${l.crossings} crossings delivered; ` +
      `HTTP acceptance of the crossing event → webhook receiver p50 ${l.p50Ms.toFixed(0)} ms, ` +
      `p99 ${l.p99Ms.toFixed(0)} ms, max ${l.maxMs.toFixed(0)} ms`,
  );
}

async function previewBench(): Promise<void> {
  const teams = Number(process.env.BENCH_PREVIEW_TEAMS ?? 50);
  const agents = Number(process.env.BENCH_PREVIEW_AGENTS ?? 20);
  const days = Number(process.env.BENCH_PREVIEW_DAYS ?? 30);
  console.log(
    `\nwhat-if preview: the stored values of ${days} days of ${fmt(teams * agents)} agents, seed definitions`,
  );
  const r = await benchPreview(teams, agents, days, (line) => console.log(line));
  console.log(
    `  ${fmt(r.events)} events → ${fmt(r.values)} stored values and ${fmt(r.frozen)} frozen cards (loaded in ${r.loadSeconds.toFixed(0)} s, untimed); ` +
      `${fmt(r.entities)} entities previewed in ${r.previewSeconds.toFixed(1)} s, RSS ${r.rssMiB.toFixed(0)} MiB; ` +
      `${fmt(r.cards)} cards under the draft, ${fmt(r.gradeChanges)} grade changes`,
  );
}

async function main(): Promise<void> {
  console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, node ${process.version}`);
  if (which === 'engine' || which === 'all') engineBench();
  if (which === 'duckdb' || which === 'all') await duckdbBench();
  if (which === 'pipeline' || which === 'all') await pipelineBench();
  if (which === 'processor' || which === 'all') await processorBench();
  if (which === 'kafka' || which === 'all') await kafkaBench();
  if (which === 'alerts' || which === 'all') await alertsBench();
  if (which === 'preview' || which === 'all') await previewBench();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
