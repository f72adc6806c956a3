import { IndicatorEngine } from '#libs/indicators';
import type { CanonicalEvent } from '#libs/events';
import { simulate, type SimulationOptions } from '#libs/simulator';
import { acceptEvents, bruteForceValue, entitiesOf } from '../support/brute-force';
import { BENCH_INDICATORS } from './bench-indicators';
import { handFold } from './hand-fold';

const TIME_ZONE = 'Asia/Shanghai';
const ORGS = [{ id: '*', timeZone: TIME_ZONE, currency: 'CNY', exchangeRates: { USD: 7.1 } }];

// user + system seconds since `start` (process.cpuUsage() counts microseconds)
function cpuSecondsSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1e6;
}

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

function* chunks(options: SimulationOptions, size: number): Generator<CanonicalEvent[]> {
  let chunk: CanonicalEvent[] = [];
  for (const line of simulate(options)) {
    if (line.kind === 'invalid') continue;
    chunk.push(line.event);
    if (chunk.length === size) {
      yield chunk;
      chunk = [];
    }
  }
  if (chunk.length > 0) yield chunk;
}

export interface EngineBenchResult {
  events: number;
  seconds: number;
  eventsPerSecond: number;
  cpuSeconds: number; // user + system time of the process across the timed fold
  eventsPerCpuSecond: number; // on a loaded machine this compares where wall-clock rates do not
  changesPerEvent: number;
  updatesPerEvent: number; // states folded into
  heapMiB: number;
  windowStates: number; // (indicator, entity, window) values held
  bytesPerWindow: number; // heap growth per window state
  dedupKeys: number;
}

// The figures of one run: its times and heap growth, and what it counted, per event and per state.
function resultOf(
  events: number,
  run: { seconds: number; cpuSeconds: number; heapBytes: number },
  counted: { changes: number; updates: number; windowStates: number; dedupKeys: number },
): EngineBenchResult {
  return {
    events,
    seconds: run.seconds,
    eventsPerSecond: events / run.seconds,
    cpuSeconds: run.cpuSeconds,
    eventsPerCpuSecond: events / run.cpuSeconds,
    changesPerEvent: counted.changes / events,
    updatesPerEvent: counted.updates / events,
    heapMiB: run.heapBytes / 2 ** 20,
    windowStates: counted.windowStates,
    bytesPerWindow: run.heapBytes / counted.windowStates,
    dedupKeys: counted.dedupKeys,
  };
}

// Folds a simulated stream through the engine, timing only the folds (events are generated first):
// event by event (a change list per event), or in micro-batches of `batch` events as the live
// processor folds a poll of the log (each changed value once per batch).
export function benchEngine(events: readonly CanonicalEvent[], dedup: boolean, batch = 1): EngineBenchResult {
  const times = events.map((e) => Date.parse(e.time)); // parsed once at validation in the pipeline
  gc();
  const heapBefore = process.memoryUsage().heapUsed;
  const engine = new IndicatorEngine(BENCH_INDICATORS, ORGS, { dedup });
  let changes = 0;
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  if (batch === 1) {
    for (let i = 0; i < events.length; i++)
      changes += engine.fold(events[i] as CanonicalEvent, times[i]).changes.length;
  } else {
    for (let i = 0; i < events.length; i += batch) {
      changes += engine.foldBatch(events.slice(i, i + batch), times.slice(i, i + batch)).changes.length;
    }
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpuSeconds = cpuSecondsSince(cpu0);
  gc();
  const heapBytes = process.memoryUsage().heapUsed - heapBefore;
  return resultOf(
    events.length,
    { seconds, cpuSeconds, heapBytes },
    {
      changes,
      updates: engine.stateUpdates,
      windowStates: engine.values().length,
      dedupKeys: engine.dedupSize,
    },
  );
}

// The same events through the hand-written typed-array fold of the same work (hand-fold.ts), without
// dedup: the yardstick the engine's figures are divided by.
export function benchHandFold(events: readonly CanonicalEvent[], batch = 1): EngineBenchResult {
  const times = events.map((e) => Date.parse(e.time));
  gc();
  const heapBefore = process.memoryUsage().heapUsed;
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const fold = handFold(BENCH_INDICATORS, TIME_ZONE, events, times, batch);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpuSeconds = cpuSecondsSince(cpu0);
  gc();
  const heapBytes = process.memoryUsage().heapUsed - heapBefore;
  return resultOf(
    events.length,
    { seconds, cpuSeconds, heapBytes },
    { changes: fold.changes, updates: fold.updates, windowStates: fold.windowStates, dedupKeys: 0 },
  );
}

// The benchmark's stream: 1,000 agents in 50 teams, `days` simulated days, 1 % duplicates.
export function benchEvents(days: number): CanonicalEvent[] {
  const options: SimulationOptions = {
    orgs: 1,
    teamsPerOrg: 50,
    agentsPerTeam: 20,
    days,
    start: '2026-11-02',
    seed: 7,
    duplicateRate: 0.01,
  };
  return [...chunks(options, Number.MAX_SAFE_INTEGER)].flat();
}

// What it costs to recompute every value from the raw events instead of folding them.
export function benchBruteForce(eventsWanted: number): { events: number; engineMs: number; bruteMs: number } {
  const options: SimulationOptions = {
    orgs: 1,
    teamsPerOrg: 5,
    agentsPerTeam: 10,
    days: 3,
    start: '2026-11-02',
    seed: 7,
  };
  const sample = (chunks(options, eventsWanted).next().value ?? []) as CanonicalEvent[];
  const t0 = process.hrtime.bigint();
  const engine = new IndicatorEngine(BENCH_INDICATORS, ORGS);
  for (const e of sample) engine.fold(e);
  for (const d of BENCH_INDICATORS)
    for (const entity of engine.entities('agent')) for (const w of d.windows) engine.value(d.id, entity, w);
  const t1 = process.hrtime.bigint();
  const accepted = acceptEvents(BENCH_INDICATORS, ORGS, sample, { ignoreLateness: false });
  for (const d of BENCH_INDICATORS) {
    for (const entity of entitiesOf(accepted)) {
      for (const w of d.windows) bruteForceValue(d, accepted, entity, w, engine.clock, TIME_ZONE);
    }
  }
  const t2 = process.hrtime.bigint();
  return { events: sample.length, engineMs: Number(t1 - t0) / 1e6, bruteMs: Number(t2 - t1) / 1e6 };
}
