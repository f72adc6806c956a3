import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { errorMessage } from '#libs/pipeline';

// `npm run soak -- --minutes 30 --rate 500`: the demo (`kpi-pulse up --demo`, the built CLI, its
// embedded Postgres in a fresh data directory) fed simulated events at the rate; every --every seconds
// the process's RSS and heap, the engine's state (its checkpoint's size), the data directory's size, the events accepted and the processor's lag;
// a summary table at the end. Figures for docs/benchmarks.md: measured here, never in tests.
const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '30' },
    rate: { type: 'string', default: '500' },
    every: { type: 'string', default: '30' }, // seconds between samples
    'data-dir': { type: 'string' }, // default: a fresh temporary directory, removed at the end
    keep: { type: 'boolean', default: false },
  },
});
const minutes = Number(values.minutes);
const rate = Number(values.rate);
const everySeconds = Number(values.every);
for (const [name, n] of [
  ['--minutes', minutes],
  ['--rate', rate],
  ['--every', everySeconds],
] as const)
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name}: expected a positive number`);

const ROOT = join(__dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'kpi-pulse.js');
if (!existsSync(join(ROOT, 'dist', 'services', 'cli', 'src', 'main.js')))
  throw new Error('the CLI is not built: npm run build');
const dataDir = values['data-dir'] ?? mkdtempSync(join(tmpdir(), 'kpi-pulse-soak-'));

interface Sample {
  seconds: number;
  rssMiB: number;
  heapMiB: number; // V8 heap used (garbage not collected yet included)
  stateMiB: number; // the engine's state as its last checkpoint wrote it (kpi_checkpoint_bytes)
  dataMiB: number; // the data directory (Postgres tables, indexes and WAL)
  accepted: number;
  lag: number;
}

const MiB = 1024 * 1024;

async function main(): Promise<void> {
  const databasePort = 30_500 + (process.pid % 1000); // below the ephemeral range
  // no history: the soak measures the live stream alone
  const child = spawn(process.execPath, [BIN, 'up', '--demo', '--history', '0', '--rate', String(rate)], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATABASE_URL: '',
      KPI_PULSE_DATA_DIR: dataDir,
      PORT: '0',
      LOG_LEVEL: 'warn',
      EMBEDDED_POSTGRES_PORT: String(databasePort),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const found = /ingest +POST (http:\/\/\S+)\/v1\/events/.exec(out)?.[1];
      if (found !== undefined) resolve(found);
    });
    void exited.then((code) => reject(new Error(`kpi-pulse up exited with ${String(code)}: ${out}`)));
  });
  console.log(
    `soak: ${minutes} min of the demo at ${rate} events/s, data in ${dataDir}, a sample every ${everySeconds} s`,
  );
  const started = Date.now();
  const samples: Sample[] = [];
  const sample = async (): Promise<Sample> => {
    const metrics = await (await fetch(`${url}/metrics`)).text();
    const ready = (await (await fetch(`${url}/health/ready`)).json()) as { checks: { log: { lag?: number } } };
    const metric = (pattern: RegExp) => Number(pattern.exec(metrics)?.[1] ?? NaN);
    return {
      seconds: Math.round((Date.now() - started) / 1000),
      rssMiB: rssOf(child.pid as number) / MiB,
      heapMiB: metric(/^kpi_process_nodejs_heap_size_used_bytes (\S+)$/m) / MiB,
      stateMiB: metric(/^kpi_checkpoint_bytes (\S+)$/m) / MiB,
      dataMiB: Number(execFileSync('du', ['-sb', dataDir], { encoding: 'utf8' }).split('\t')[0]) / MiB,
      accepted: metric(/^kpi_events_total\{outcome="accepted"\} (\S+)$/m),
      lag: ready.checks.log.lag ?? NaN,
    };
  };
  const end = started + minutes * 60_000;
  // Ctrl-C ends the soak early: the demo is still stopped, its data removed, the summary printed
  let interrupted = false;
  let wake = () => {};
  const interrupt = () => {
    interrupted = true;
    wake();
  };
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);
  while (Date.now() < end && !interrupted) {
    await new Promise<void>((r) => {
      wake = r;
      setTimeout(r, Math.min(everySeconds * 1000, end - Date.now()));
    });
    if (interrupted) break;
    // a starved process may miss a sample (its answer is late, a connection reset): the soak goes on
    const s = await sample().catch((err: unknown) => {
      console.log(`  ${fmtTime(Math.round((Date.now() - started) / 1000))}  no sample: ${errorMessage(err)}`);
      return undefined;
    });
    if (s === undefined) continue;
    samples.push(s);
    console.log(
      `  ${fmtTime(s.seconds)}  rss ${s.rssMiB.toFixed(0)} MiB  heap ${s.heapMiB.toFixed(0)} MiB  state ${s.stateMiB.toFixed(1)} MiB  ` +
        `data ${s.dataMiB.toFixed(0)} MiB  accepted ${s.accepted.toLocaleString('en-US')}  lag ${s.lag}`,
    );
  }
  const disk = await diskByTable(databasePort).catch((err: unknown) => `(disk by table: ${String(err)})`);
  child.kill('SIGTERM');
  const code = await exited;
  summary(samples, code);
  console.log(disk);
  if (values['data-dir'] === undefined && !values.keep) rmSync(dataDir, { recursive: true, force: true });
}

// Where the data directory's bytes are at the end: the largest tables (with their indexes and TOAST) and
// the WAL, from the demo's embedded Postgres (its fixed user, docs/pipeline.md).
async function diskByTable(port: number): Promise<string> {
  const client = new pg.Client({
    host: '127.0.0.1',
    port,
    user: 'kpi_pulse',
    password: 'kpi_pulse',
    database: 'kpi_pulse',
  });
  await client.connect();
  try {
    const tables = await client.query<{ name: string; bytes: string; rows: string }>(
      `SELECT c.relname AS name, pg_total_relation_size(c.oid) AS bytes, s.n_live_tup AS rows
         FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid
        ORDER BY pg_total_relation_size(c.oid) DESC LIMIT 12`,
    );
    const wal = await client.query<{ bytes: string }>('SELECT sum(size) AS bytes FROM pg_ls_waldir()');
    const lines = ['\n| table | MiB | rows |', '|---|---:|---:|'];
    for (const t of tables.rows)
      lines.push(`| ${t.name} | ${(Number(t.bytes) / MiB).toFixed(0)} | ${Number(t.rows).toLocaleString('en-US')} |`);
    lines.push(`| (WAL) | ${(Number(wal.rows[0]?.bytes ?? 0) / MiB).toFixed(0)} | |`);
    return lines.join('\n');
  } finally {
    await client.end();
  }
}

function rssOf(pid: number): number {
  const kb = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Number(kb ?? NaN) * 1024;
}

const fmtTime = (seconds: number) => `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;

// at most ~12 rows: the first sample, evenly spaced ones, the last; then the spread of each column
function summary(samples: readonly Sample[], code: number | null): void {
  if (samples.length === 0) return;
  const step = Math.max(1, Math.ceil(samples.length / 12));
  const rows = samples.filter((_, i) => i % step === 0 || i === samples.length - 1);
  console.log('\n| time | RSS MiB | heap MiB | state MiB | data dir MiB | events accepted | lag |');
  console.log('|---:|---:|---:|---:|---:|---:|---:|');
  for (const s of rows)
    console.log(
      `| ${fmtTime(s.seconds)} | ${s.rssMiB.toFixed(0)} | ${s.heapMiB.toFixed(0)} | ${s.stateMiB.toFixed(1)} | ${s.dataMiB.toFixed(0)} | ` +
        `${s.accepted.toLocaleString('en-US')} | ${s.lag} |`,
    );
  const first = samples[0] as Sample;
  const last = samples[samples.length - 1] as Sample;
  const range = (pick: (s: Sample) => number) =>
    `${Math.min(...samples.map(pick)).toFixed(0)}–${Math.max(...samples.map(pick)).toFixed(0)}`;
  const hours = (last.seconds - first.seconds) / 3600;
  console.log(
    `\nRSS ${range((s) => s.rssMiB)} MiB, heap ${range((s) => s.heapMiB)} MiB; data dir ${first.dataMiB.toFixed(0)} → ` +
      `${last.dataMiB.toFixed(0)} MiB` +
      (hours > 0 ? ` (${((last.dataMiB - first.dataMiB) / hours).toFixed(0)} MiB/h after the first sample)` : '') +
      `; ${(last.accepted / last.seconds).toFixed(0)} events/s accepted; stopped with exit code ${String(code)}`,
  );
}

main().catch((err: unknown) => {
  console.error(`soak: ${errorMessage(err)}`);
  process.exitCode = 1;
});
