import { cpus } from 'node:os';
import { benchBruteForce, benchEngine, benchEvents } from './engine.bench';

// `npm run bench`: figures for docs/benchmarks.md. Timed here, never in tests.
const days = Number(process.env.BENCH_DAYS ?? 3);
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, node ${process.version}`);
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
for (const [label, dedup, batch] of runs) {
  const r = benchEngine(events, dedup, batch);
  console.log(
    `  ${label}: ${fmt(r.events)} events in ${r.seconds.toFixed(2)} s = ${fmt(r.eventsPerSecond)} events/s, ` +
      `${r.changesPerEvent.toFixed(2)} changes/event, heap ${r.heapMiB.toFixed(0)} MiB (${fmt(r.dedupKeys)} dedup keys)`,
  );
}
const b = benchBruteForce(Number(process.env.BENCH_BRUTE_EVENTS ?? 5000));
console.log(`\nbrute force vs engine, 50 agents, ${fmt(b.events)} events, every value once:`);
console.log(
  `  engine fold + read all: ${b.engineMs.toFixed(0)} ms; brute-force recomputation: ${b.bruteMs.toFixed(0)} ms; ratio ${(b.bruteMs / b.engineMs).toFixed(0)}×`,
);
