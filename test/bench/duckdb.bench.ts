import { spawnSync, fork } from 'node:child_process';
import { closeSync, existsSync, openSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { loadDefinitions } from '#libs/definitions';
import { evaluate } from '#libs/evaluation';
import { LineFile } from '../../services/cli/src/read-lines';

// `BENCH=duckdb`: `kpi-pulse evaluate` against DuckDB computing the same 8 indicators (month window,
// agent, team and org) from the same NDJSON file, each in a process of its own, CPU time (user +
// system, every thread) from before the definitions are read or the database opened to the answer in
// memory. The values of both are compared, so that the ratio is between equal answers.

const DEFINITIONS = join(__dirname, '../../../test/bench/duckdb/indicators.yaml');
const AS_OF = '2026-11-30T23:59:59+08:00';
// the month of 1,000 agents: 50 teams of 20, 30 days, 1 % re-sent verbatim
const SIMULATE = ['--teams', '50', '--agents', '20', '--days', '30', '--start', '2026-11-01', '--seed', '42'];
const SIMULATE_MORE = ['--duplicates', '0.01'];

export interface RunFigures {
  cpuSeconds: number;
  wallSeconds: number;
  maxRssMiB: number;
  lines: number;
  values: Record<string, number | null>; // by `indicator|level|entity id`
}

export interface DuckdbBenchResult {
  file: string;
  lines: number;
  evaluate: RunFigures;
  duckdb: RunFigures;
  compared: number;
  differing: string[];
}

// The event file: BENCH_DUCKDB_EVENTS, or the month of 1,000 agents, simulated once into the temporary
// directory (about 4.6 million lines, 1.3 GB; a few minutes).
function eventFile(): string {
  const given = process.env.BENCH_DUCKDB_EVENTS;
  if (given !== undefined) return given;
  const file = join(tmpdir(), 'kpi-pulse-bench-month-1000-agents.jsonl');
  if (existsSync(file)) return file;
  console.log(`  simulating the month of 1,000 agents into ${file} (once)…`);
  const out = openSync(`${file}.part`, 'w');
  const cli = join(__dirname, '../../services/cli/src/main.js');
  const run = spawnSync(process.execPath, [cli, 'simulate', ...SIMULATE, ...SIMULATE_MORE], {
    cwd: join(__dirname, '../../..'),
    stdio: ['ignore', out, 'inherit'],
  });
  closeSync(out);
  if (run.status !== 0) throw new Error(`simulate failed (${run.status ?? run.signal})`);
  renameSync(`${file}.part`, file);
  return file;
}

export async function benchDuckdb(): Promise<DuckdbBenchResult> {
  const file = eventFile();
  const evaluateRun = await inChild('evaluate', file);
  const duckdbRun = await inChild('duckdb', file);
  const differing: string[] = [];
  let compared = 0;
  for (const [key, value] of Object.entries(evaluateRun.values)) {
    const other = duckdbRun.values[key] ?? null;
    compared++;
    const same =
      value === null || other === null
        ? value === other
        : Math.abs(value - other) <= 1e-9 * Math.max(1, Math.abs(value));
    if (!same) differing.push(`${key}: evaluate ${value}, DuckDB ${other}`);
  }
  // evaluate lists an indicator for an entity once an event has fed it; SQL has a row for every entity
  for (const [key, value] of Object.entries(duckdbRun.values)) {
    if (!(key in evaluateRun.values) && value !== null && value !== 0) differing.push(`${key}: only in DuckDB`);
  }
  return { file, lines: evaluateRun.lines, evaluate: evaluateRun, duckdb: duckdbRun, compared, differing };
}

function inChild(mode: 'evaluate' | 'duckdb', file: string): Promise<RunFigures> {
  return new Promise((resolve, reject) => {
    const child = fork(__filename, [mode, file], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let figures: RunFigures | undefined;
    child.on('message', (m) => (figures = m as RunFigures));
    child.on('error', reject);
    child.on('exit', (code) =>
      figures !== undefined ? resolve(figures) : reject(new Error(`${mode} child exited with ${code}`)),
    );
  });
}

function figures(cpu0: NodeJS.CpuUsage, wall0: number, lines: number, values: RunFigures['values']): RunFigures {
  const cpu = process.cpuUsage(cpu0);
  return {
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    wallSeconds: (performance.now() - wall0) / 1000,
    maxRssMiB: process.resourceUsage().maxRSS / 1024, // KiB on Linux
    lines,
    values,
  };
}

// What `kpi-pulse evaluate --definitions … --events … --as-of … --compact` does, without printing.
function runEvaluate(file: string): RunFigures {
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  const { set, issues } = loadDefinitions(DEFINITIONS);
  if (issues.some((i) => i.severity === 'error')) throw new Error(`invalid bench definitions ${DEFINITIONS}`);
  const report = evaluate({ definitions: set, lines: new LineFile(file), asOf: AS_OF });
  JSON.stringify(report); // as the command prints it
  const values: RunFigures['values'] = {};
  for (const v of report.indicators) values[`${v.indicator}|${v.entity.level}|${v.entity.id}`] = v.value;
  return figures(cpu0, wall0, report.summary.lines, values);
}

// The same indicators in SQL: the first row of each (source, id) (the file's repeats are verbatim, so
// any row of a key stands for the first), the month holding --as-of in the org's zone (Asia/Shanghai,
// +08:00 all year), grouped by org, team and agent. Amounts in the org currency at the definitions'
// rates.
const SQL = (file: string) => `
WITH raw AS (
  SELECT * FROM read_ndjson('${file.replaceAll("'", "''")}', columns = {
    id: 'VARCHAR', source: 'VARCHAR', type: 'VARCHAR', time: 'VARCHAR',
    data: 'STRUCT(orgId VARCHAR, teamId VARCHAR, agentId VARCHAR, answered BOOLEAN, satisfied BOOLEAN,
      contacts DOUBLE, talkSeconds DOUBLE, holdSeconds DOUBLE, wrapSeconds DOUBLE, ticketId VARCHAR,
      leadId VARCHAR, stage VARCHAR, amount DOUBLE, currency VARCHAR)'
  })
), firsts AS (
  SELECT DISTINCT ON (source, id) type, CAST(time AS TIMESTAMPTZ) AS t, data FROM raw
), month AS (
  SELECT type, t, data.* FROM firsts
  WHERE t >= TIMESTAMPTZ '2026-11-01 00:00:00+08' AND t <= TIMESTAMPTZ '${AS_OF}'
)
SELECT orgId, teamId, agentId, GROUPING(teamId) AS no_team, GROUPING(agentId) AS no_agent,
  count(*) FILTER (type = 'call.ended' AND answered) AS answered_calls,
  count(*) FILTER (type = 'call.ended') AS calls,
  count(*) FILTER (type = 'ticket.rated' AND satisfied) AS satisfied,
  count(*) FILTER (type = 'ticket.rated') AS rated,
  count(*) FILTER (type = 'ticket.solved' AND contacts = 1) AS first_contact,
  count(*) FILTER (type = 'ticket.solved') AS solved,
  sum(talkSeconds + holdSeconds + wrapSeconds) FILTER (type = 'call.ended' AND answered) AS handle_seconds,
  count(DISTINCT ticketId) FILTER (type = 'ticket.reopened') AS reopened_tickets,
  count(DISTINCT ticketId) FILTER (type = 'ticket.solved') AS solved_tickets,
  count(DISTINCT (agentId, CAST(t + INTERVAL 8 HOUR AS DATE)))
    FILTER (type = 'ticket.solved' AND agentId IS NOT NULL) AS agent_days,
  count(DISTINCT leadId) FILTER (type = 'crm.lead.qualified' AND stage = 'SQL') AS sql_leads,
  sum(amount * CASE currency WHEN 'USD' THEN 7.1 WHEN 'EUR' THEN 7.7 WHEN 'GBP' THEN 9.0
    WHEN 'HKD' THEN 0.91 WHEN 'JPY' THEN 0.047 ELSE 1 END) FILTER (type = 'crm.order.paid') AS paid_amount
FROM month
GROUP BY GROUPING SETS ((orgId), (orgId, teamId), (orgId, agentId))`;

async function runDuckdb(file: string): Promise<RunFigures> {
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  const db = await DuckDBInstance.create(':memory:');
  const connection = await db.connect();
  const rows = (await connection.runAndReadAll(SQL(file))).getRowObjectsJS();
  const values: RunFigures['values'] = {};
  const ratio = (n: unknown, d: unknown) => (Number(d ?? 0) === 0 ? null : Number(n ?? 0) / Number(d));
  for (const row of rows) {
    const level = row.no_team === 0n ? 'team' : row.no_agent === 0n ? 'agent' : 'org';
    const id = (level === 'team' ? row.teamId : level === 'agent' ? row.agentId : row.orgId) as string;
    if (level === 'agent' && row.agentId === null) continue; // events without an agent
    const put = (indicator: string, value: number | null) => (values[`${indicator}|${level}|${id}`] = value);
    put('support.call_answer_rate', ratio(row.answered_calls, row.calls));
    put('support.csat', ratio(row.satisfied, row.rated));
    put('support.fcr', ratio(row.first_contact, row.solved));
    put('support.aht', ratio(row.handle_seconds, row.answered_calls));
    put('support.reopen_rate', ratio(row.reopened_tickets, row.solved_tickets));
    put('support.solved_per_agent_day', ratio(row.solved, row.agent_days));
    put('sales.sql_count', Number(row.sql_leads));
    put('presales.sales_amount', Number(row.paid_amount ?? 0));
  }
  connection.closeSync();
  db.closeSync();
  return figures(cpu0, wall0, 0, values);
}

if (require.main === module) {
  const [mode, file] = process.argv.slice(2);
  if (file === undefined) throw new Error('usage: duckdb.bench.js evaluate|duckdb <file>');
  const run = mode === 'evaluate' ? Promise.resolve(runEvaluate(file)) : runDuckdb(file);
  run
    .then((result) => process.send?.(result))
    .catch((err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    });
}
