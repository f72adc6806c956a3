import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';
import { RESTATEMENT_WINDOW_MS } from '#libs/close';
import { loadDefinitions } from '#libs/definitions';
import { orderingKey, type LogRecord } from '#libs/event-log';
import { validateEvent, type CanonicalEvent } from '#libs/events';
import { entityKey, IndicatorEngine, valueRowKey } from '#libs/indicators';
import { LogSource, ProcessorRunner, RosterHistory, type Folded, type ProcessorWrite } from '#libs/pipeline';
import { IndicatorStateRepository, PostgresEventLog, RosterRepository } from '#libs/postgres';
import { simulate } from '#libs/simulator';
import { formatLocal } from '#libs/time';
import { loadConfig } from '../../services/runtime/src/config';
import { importDemoRoster } from '../../services/runtime/src/demo-source';
import { benchDatabase } from './kafka.bench';
import { NO_METRICS, PassingSource, PassingStore } from './passing-through';

export interface CpuFigures {
  cpuSeconds: number; // user + system of this process
  usPerEvent: number;
  eventsPerCpuSecond: number;
}

export interface ProcessorBenchResult {
  events: number;
  batchSize: number; // events per poll (PROCESSOR_BATCH_SIZE), and per engine batch
  database: string;
  appendSeconds: number; // untimed setup: the events into the log
  engine: CpuFigures; // the engine alone, fold only, on the same events in the same batches
  processor: CpuFigures & { wallSeconds: number };
  postgresCpuSeconds: number | undefined; // every process of the embedded server; undefined on DATABASE_URL
  changes: number; // values the polls reported changed (handed to scoring)
  writes: number; // value flushes (store transactions)
  rowsWritten: number; // value rows in those flushes
  rowsChanged: number; // of them, rows whose content differs from the row's previous write
  checkpoints: number;
  snapshotBytes: number; // the last checkpoint's engine snapshot (JSON)
  valueRows: number; // indicator_values rows at the end
  tooLate: number;
  rejected: number;
}

const DEFAULTS = loadConfig({});
const ORG_TIME_ZONE = 'Asia/Shanghai';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function cpuSecondsSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1e6;
}

function cpuFigures(cpuSeconds: number, events: number): CpuFigures {
  return { cpuSeconds, usPerEvent: (cpuSeconds * 1e6) / events, eventsPerCpuSecond: events / cpuSeconds };
}

// The user + system CPU of the embedded server's processes (the postmaster and its children), in
// seconds, from /proc: Postgres's share of the drain, apart from this process's.
function postgresCpuSeconds(postgresDir: string): number {
  const postmaster = Number(readFileSync(join(postgresDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  const ticks = 100; // USER_HZ on Linux
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // gone meanwhile
    }
    // fields after the command (which may hold spaces): state ppid … utime(14) stime(15), 1-based
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const pid = Number(entry);
    if (pid !== postmaster && Number(fields[1]) !== postmaster) continue;
    total += (Number(fields[11]) + Number(fields[12])) / ticks;
  }
  return total;
}

// N simulated events (100 agents in 10 teams, as the pipeline bench), checked as ingest checks them and
// stamped `rate` per second of event time, as the live pipeline receives them.
function benchEvents(n: number, rate: number): CanonicalEvent[] {
  const events: CanonicalEvent[] = [];
  const start = Date.parse('2026-11-23T01:00:00Z');
  const stream = simulate({ orgs: 1, teamsPerOrg: 10, agentsPerTeam: 10, days: 3650, start: '2026-11-23', seed: 3 });
  for (const line of stream) {
    if (line.kind === 'invalid') continue;
    const stamped = { ...line.event, time: formatLocal(ORG_TIME_ZONE, start + (events.length * 1000) / rate) };
    const checked = validateEvent(stamped);
    if (checked.ok) events.push(checked.event);
    if (events.length === n) break;
  }
  return events;
}

// The store's writes, kept to be compared after the clock stops (comparing here would cost CPU in the drain).
class RecordingStore extends PassingStore {
  readonly writes: ProcessorWrite[] = [];

  override async save(write: ProcessorWrite): Promise<void> {
    await this.inner.save(write);
    this.writes.push(write);
  }
}

// The written rows whose content differs from the same row's previous write (or that are new).
function rowsChanged(writes: readonly ProcessorWrite[]): number {
  const last = new Map<string, string>();
  let changed = 0;
  for (const w of writes)
    for (const v of w.changes) {
      const key = `${entityKey(v.entity)}|${valueRowKey(v.indicator, v.window, v.periodStart)}`;
      const content = `${v.periodStart}|${v.periodEnd}|${v.value}|${v.numerator}|${v.denominator}`;
      if (last.get(key) !== content) changed++;
      last.set(key, content);
    }
  return changed;
}

// Counts what the folds report; waits for the flush that takes the last changes.
class CountingSource extends PassingSource {
  folded = 0;
  changes = 0;
  tooLate = 0;
  rejected = 0;
  allStored = false;

  constructor(
    private readonly log: LogSource,
    private readonly end: number,
  ) {
    super(log);
  }

  override async fold(): Promise<Folded> {
    const result = await this.inner.fold();
    this.folded += result.events;
    this.changes += result.changes.length;
    this.tooLate += result.tooLate;
    this.rejected += result.rejected.length;
    return result;
  }
  override async flush(options: { checkpoint?: boolean; outbox: boolean }): Promise<void> {
    const last = this.log.position >= this.end; // tickMs 0: nothing changes after the last fold
    await this.inner.flush(options);
    if (last) this.allStored = true;
  }
}

// A CPU profile of what `during` runs, written to `file` (a .cpuprofile for Chrome's DevTools), when a
// file is given: the drain alone, without the setup around it.
async function profiled<T>(file: string | undefined, during: () => Promise<T>): Promise<T> {
  if (file === undefined) return during();
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  const result = await during();
  const { profile } = await session.post('Profiler.stop');
  writeFileSync(file, JSON.stringify(profile));
  session.disconnect();
  return result;
}

// The embedded default's processor draining a log of N events, in CPU time (independent of what else
// runs on the machine): the log is filled first (untimed), then the production LogSource under the
// production ProcessorRunner folds it, hands the changes on (to nobody: scoring is not measured) and
// writes them every PROCESSOR_FLUSH_MS, until the last changes are written and a last checkpoint taken.
// Beside it, the engine alone folding the same events in the same batches.
export async function benchProcessor(n: number, rate: number, profileFile?: string): Promise<ProcessorBenchResult> {
  const { set: definitions } = loadDefinitions(DEFAULTS.definitionsPath);
  const events = benchEvents(n, rate);
  const database = await benchDatabase(56_200);
  try {
    const { db } = database;
    const rosters = new RosterRepository(db);
    await importDemoRoster(rosters, 10, 10);

    // the engine alone: once to warm up, once measured
    const engineCpu = async (): Promise<number> => {
      const roster = new RosterHistory(rosters);
      await roster.prepare(['O1']);
      const engine = new IndicatorEngine(definitions.indicators, definitions.orgs, {
        dedup: false,
        restatementMs: RESTATEMENT_WINDOW_MS,
        teamOf: roster.teamOf,
      });
      const started = process.cpuUsage();
      for (let i = 0; i < events.length; i += DEFAULTS.processorBatchSize) {
        engine.foldBatch(events.slice(i, i + DEFAULTS.processorBatchSize));
        engine.settle();
      }
      return cpuSecondsSince(started);
    };
    await engineCpu();
    const engine = cpuFigures(await engineCpu(), events.length);

    const log = new PostgresEventLog(db);
    const appending = performance.now();
    for (let i = 0; i < events.length; i += 1000)
      await log.append(events.slice(i, i + 1000).map((event): LogRecord => ({ key: orderingKey(event), event })));
    const appendSeconds = (performance.now() - appending) / 1000;
    const end = await log.endOffset();

    const store = new RecordingStore(new IndicatorStateRepository(db));
    const errors: string[] = [];
    await db.query('VACUUM ANALYZE event_log'); // the append's autovacuum, not the drain's
    global.gc?.();
    const postgresBefore = database.postgresDir === undefined ? undefined : postgresCpuSeconds(database.postgresDir);
    const cpuStart = process.cpuUsage();
    const wallStart = performance.now();
    const source = await profiled(profileFile, async () => {
      const counted = new CountingSource(
        await LogSource.open({
          name: 'bench-processor',
          log,
          store,
          definitions,
          batchSize: DEFAULTS.processorBatchSize,
          checkpointEvery: DEFAULTS.processorCheckpointEvery,
          roster: new RosterHistory(rosters),
        }),
        end,
      );
      const runner = ProcessorRunner.start({
        source: counted,
        changes: { kind: 'send', send: () => Promise.resolve() },
        rejections: { record: () => Promise.resolve() },
        metrics: NO_METRICS,
        logger: { error: (message) => errors.push(message), warn: () => undefined },
        now: () => Date.now(),
        flushMs: DEFAULTS.processorFlushMs,
        tickMs: 0, // the clock stays at the events' time
      });
      while (!counted.allStored && errors.length === 0) await sleep(5);
      await runner.stop(); // the last checkpoint
      return counted;
    });
    const processorCpu = cpuSecondsSince(cpuStart);
    const wallSeconds = (performance.now() - wallStart) / 1000;
    const postgresCpu =
      database.postgresDir === undefined || postgresBefore === undefined
        ? undefined
        : postgresCpuSeconds(database.postgresDir) - postgresBefore;
    if (errors.length > 0) throw new Error(`the processor failed: ${errors.join('; ')}`);

    const [row] = await db.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM indicator_values`);
    const valueWrites = store.writes.filter((w) => w.changes.length > 0);
    const checkpoints = store.writes.flatMap((w) => (w.checkpoint === undefined ? [] : [w.checkpoint]));
    return {
      events: events.length,
      batchSize: DEFAULTS.processorBatchSize,
      database: database.where,
      appendSeconds,
      engine,
      processor: { ...cpuFigures(processorCpu, events.length), wallSeconds },
      postgresCpuSeconds: postgresCpu,
      changes: source.changes,
      writes: valueWrites.length,
      rowsWritten: valueWrites.reduce((sum, w) => sum + w.changes.length, 0),
      rowsChanged: rowsChanged(valueWrites),
      checkpoints: checkpoints.length,
      snapshotBytes: checkpoints.at(-1)?.snapshot.length ?? 0,
      valueRows: row?.n ?? 0,
      tooLate: source.tooLate,
      rejected: source.rejected,
    };
  } finally {
    await database.close();
  }
}
