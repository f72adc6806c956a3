import { IndicatorEngine } from '#libs/indicators';
import type { CanonicalEvent } from '#libs/events';
import { simulate, type SimulationOptions } from '#libs/simulator';
import { acceptEvents, bruteForceValue, entitiesOf } from '../support/brute-force';
import { BENCH_INDICATORS } from './bench-indicators';

const ORGS = [{ id: '*', timeZone: 'Asia/Shanghai', currency: 'CNY', exchangeRates: { USD: 7.1 } }];

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
  changesPerEvent: number;
  heapMiB: number;
  dedupKeys: number;
}

// Folds a simulated stream through the engine, timing only the folds (generation is not counted).
export function benchEngine(days: number, dedup: boolean): EngineBenchResult {
  const options: SimulationOptions = { orgs: 1, teamsPerOrg: 50, agentsPerTeam: 20, days, start: '2026-11-02', seed: 7, duplicateRate: 0.01 };
  gc();
  const heapBefore = process.memoryUsage().heapUsed;
  const engine = new IndicatorEngine(BENCH_INDICATORS, ORGS, { dedup });
  let events = 0;
  let changes = 0;
  let ns = 0n;
  for (const chunk of chunks(options, 50_000)) {
    const t0 = process.hrtime.bigint();
    for (const e of chunk) changes += engine.fold(e).changes.length;
    ns += process.hrtime.bigint() - t0;
    events += chunk.length;
  }
  gc();
  const heapMiB = (process.memoryUsage().heapUsed - heapBefore) / 2 ** 20;
  const seconds = Number(ns) / 1e9;
  return { events, seconds, eventsPerSecond: events / seconds, changesPerEvent: changes / events, heapMiB, dedupKeys: engine.dedupSize };
}

// What it costs to recompute every value from the raw events instead of folding them.
export function benchBruteForce(eventsWanted: number): { events: number; engineMs: number; bruteMs: number } {
  const options: SimulationOptions = { orgs: 1, teamsPerOrg: 5, agentsPerTeam: 10, days: 3, start: '2026-11-02', seed: 7 };
  const sample = (chunks(options, eventsWanted).next().value ?? []) as CanonicalEvent[];
  const t0 = process.hrtime.bigint();
  const engine = new IndicatorEngine(BENCH_INDICATORS, ORGS);
  for (const e of sample) engine.fold(e);
  for (const d of BENCH_INDICATORS) for (const entity of engine.entities('agent')) for (const w of d.windows) engine.value(d.id, entity, w);
  const t1 = process.hrtime.bigint();
  const accepted = acceptEvents(BENCH_INDICATORS, ORGS, sample, { ignoreLateness: false });
  for (const d of BENCH_INDICATORS) {
    for (const entity of entitiesOf(accepted)) {
      for (const w of d.windows) bruteForceValue(d, accepted, entity, w, engine.clock, 'Asia/Shanghai');
    }
  }
  const t2 = process.hrtime.bigint();
  return { events: sample.length, engineMs: Number(t1 - t0) / 1e6, bruteMs: Number(t2 - t1) / 1e6 };
}
