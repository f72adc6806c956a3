import { cpus } from 'node:os';
import { benchBruteForce, benchEngine, benchEvents } from './engine.bench';
import { benchPipeline } from './pipeline.bench';

// `npm run bench`: figures for docs/benchmarks.md. Timed here, never in tests.
// BENCH=engine|pipeline|all (default all), BENCH_DAYS, BENCH_BRUTE_EVENTS, BENCH_SECONDS, BENCH_RATES.
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

async function main(): Promise<void> {
  console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, node ${process.version}`);
  if (which === 'engine' || which === 'all') engineBench();
  if (which === 'pipeline' || which === 'all') await pipelineBench();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
