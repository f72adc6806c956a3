import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import type { Command } from 'commander';
import { formatIssue, loadDefinitions } from '#libs/definitions';
import type {
  ManualCadence,
  ManualIndicatorSpec,
  SimulatedLine,
  SimulatedLineKind,
  SimulationOptions,
} from '#libs/simulator';
import {
  DEFAULT_TIME_ZONE,
  estimateTotal,
  manualIndicatorSpecs,
  simulate,
  SimulationOptionsError,
} from '#libs/simulator';
import { errorMessage } from '#libs/pipeline';
import { CONNECTOR_NAMES } from '#libs/connectors';
import { createProgressBar } from './progress-bar';
import { sendAsVendor } from './simulate-webhooks';
import { UsageError } from './usage-error';

interface SimulateCliOptions {
  orgs: string;
  teams: string;
  agents: string;
  days: string;
  start: string;
  timeZone: string;
  seed: string;
  duplicates: string;
  late: string;
  outOfOrder: string;
  invalid: string;
  manual?: string[];
  definitions?: string;
  manualCadence: string;
  reviewers?: string[];
  out?: string;
  progress?: boolean;
  as?: string;
  to?: string;
  secret?: string;
  rate: string;
  count?: string;
}

// Lines are joined into chunks of about this many characters before a write: one syscall per
// thousand events instead of one per event.
const CHUNK_CHARS = 256 * 1024;

// The flag a library option comes from, to name it in errors (idPrefix has none: the demo sets it).
const FLAGS: Readonly<Record<keyof SimulationOptions, string>> = {
  idPrefix: 'idPrefix',
  orgs: '--orgs',
  teamsPerOrg: '--teams',
  agentsPerTeam: '--agents',
  days: '--days',
  start: '--start',
  timeZone: '--time-zone',
  seed: '--seed',
  duplicateRate: '--duplicates',
  lateRate: '--late',
  outOfOrderRate: '--out-of-order',
  invalidRate: '--invalid',
  manualIndicators: '--manual',
  manualCadence: '--manual-cadence',
  reviewers: '--reviewers',
};

function positiveInteger(flag: string, text: string): number {
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(value) || value < 1) {
    throw new UsageError(`${flag}: expected a positive integer, got "${text}"`);
  }
  return value;
}

function integer(flag: string, text: string): number {
  const value = Number(text);
  if (!/^-?\d+$/.test(text.trim()) || !Number.isSafeInteger(value)) {
    throw new UsageError(`${flag}: expected an integer, got "${text}"`);
  }
  return value;
}

function rate(flag: string, text: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value < 0 || value > 1) {
    throw new UsageError(`${flag}: expected a rate between 0 and 1, got "${text}"`);
  }
  return value;
}

function cadence(text: string): ManualCadence {
  if (text === 'week' || text === 'month') return text;
  throw new UsageError(`--manual-cadence: expected "week" or "month", got "${text}"`);
}

// Ids may be given space- or comma-separated: --manual attitude teamwork or --manual attitude,teamwork.
function idList(values: readonly string[] | undefined): string[] {
  return (values ?? [])
    .flatMap((value) => value.split(','))
    .map((id) => id.trim())
    .filter((id) => id !== '');
}

// Manual indicators (scale, and the target of the first KPI scored on each) and their reviewers, when
// the definitions restrict them, from definition files: simulated reviews then look like real ones.
function manualFromDefinitions(path: string): { indicators: ManualIndicatorSpec[]; reviewers: string[] } {
  let loaded: ReturnType<typeof loadDefinitions>;
  try {
    loaded = loadDefinitions(path);
  } catch (err) {
    throw new UsageError(`--definitions: cannot read ${path}: ${errorMessage(err)}`);
  }
  const errors = loaded.issues.filter((issue) => issue.severity === 'error');
  if (errors.length > 0) throw new UsageError(`invalid definitions:\n${errors.map(formatIssue).join('\n')}`);
  return manualIndicatorSpecs(loaded.set);
}

function toSimulationOptions(opts: SimulateCliOptions): SimulationOptions {
  const manual: ManualIndicatorSpec[] = idList(opts.manual).map((id) => ({ id }));
  let reviewers = idList(opts.reviewers);
  if (opts.definitions !== undefined) {
    const fromDefinitions = manualFromDefinitions(opts.definitions);
    for (const spec of fromDefinitions.indicators) if (!manual.some((m) => m.id === spec.id)) manual.push(spec);
    // a reviewer the definitions do not authorise would have every manual score rejected
    if (reviewers.length === 0) reviewers = fromDefinitions.reviewers;
  }
  return {
    orgs: positiveInteger('--orgs', opts.orgs),
    teamsPerOrg: positiveInteger('--teams', opts.teams),
    agentsPerTeam: positiveInteger('--agents', opts.agents),
    days: positiveInteger('--days', opts.days),
    start: opts.start,
    timeZone: opts.timeZone,
    seed: integer('--seed', opts.seed),
    duplicateRate: rate('--duplicates', opts.duplicates),
    lateRate: rate('--late', opts.late),
    outOfOrderRate: rate('--out-of-order', opts.outOfOrder),
    invalidRate: rate('--invalid', opts.invalid),
    manualIndicators: manual,
    manualCadence: cadence(opts.manualCadence),
    reviewers,
  };
}

async function openOutput(path: string | undefined): Promise<Writable> {
  if (path === undefined || path === '-') return process.stdout;
  const file = createWriteStream(path);
  try {
    await once(file, 'open');
  } catch (err) {
    throw new UsageError(`--out: cannot write ${path}: ${errorMessage(err)}`);
  }
  return file;
}

type Counts = Record<SimulatedLineKind, number>;

// Writes the lines as NDJSON in large chunks, waiting for 'drain' when the stream is full. Stops
// quietly when the reader goes away (EPIPE: `simulate | head`).
async function writeNdjson(
  lines: Iterable<SimulatedLine>,
  out: Writable,
  onChunk: (lines: number) => void,
): Promise<{ counts: Counts; closed: boolean }> {
  const counts: Counts = { valid: 0, duplicate: 0, late: 0, invalid: 0 };
  let failure: NodeJS.ErrnoException | undefined;
  const onError = (err: NodeJS.ErrnoException): void => {
    failure = err;
  };
  out.on('error', onError);
  const drained = (): Promise<void> =>
    new Promise((resolve) => {
      const settle = (): void => {
        out.off('drain', settle);
        out.off('close', settle);
        out.off('error', settle);
        resolve();
      };
      out.on('drain', settle);
      out.on('close', settle);
      out.on('error', settle);
    });
  const write = async (chunk: string): Promise<void> => {
    if (failure !== undefined) return;
    if (!out.write(chunk)) await drained();
  };
  let chunk = '';
  let pending = 0;
  for (const line of lines) {
    chunk += `${JSON.stringify(line.event)}\n`;
    counts[line.kind]++;
    pending++;
    if (chunk.length >= CHUNK_CHARS) {
      await write(chunk);
      if (failure !== undefined) break;
      onChunk(pending);
      chunk = '';
      pending = 0;
    }
  }
  if (failure === undefined && chunk !== '') {
    await write(chunk);
    onChunk(pending);
  }
  if (out !== process.stdout && failure === undefined) {
    await new Promise<void>((resolve) => out.end(resolve));
  }
  out.off('error', onError);
  if (failure !== undefined && failure.code !== 'EPIPE') throw failure;
  return { counts, closed: failure !== undefined };
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function formatNumber(n: number): string {
  return n.toLocaleString('en-US');
}

export function registerSimulateCommand(program: Command): void {
  program
    .command('simulate')
    .description(
      'Generate a realistic, reproducible stream of canonical events (NDJSON) for N orgs × T teams × A agents over D days.',
    )
    .option('--orgs <n>', 'number of orgs (O1, O2, …)', '1')
    .option('--teams <n>', 'teams per org (O1-T1, …)', '3')
    .option('--agents <n>', 'agents per team (O1-T1-A1, …)', '8')
    .option('--days <n>', 'number of days', '30')
    .option('--start <date>', 'first day, YYYY-MM-DD in the org time zone', '2026-11-01')
    .option('--time-zone <iana>', 'time zone of the orgs (working hours, offsets, due dates)', DEFAULT_TIME_ZONE)
    .option('--seed <n>', 'random seed: the same seed and options give the same stream', '1')
    .option('--duplicates <rate>', 'share of events re-sent verbatim (same source and id)', '0')
    .option('--late <rate>', 'share of events arriving hours to days after their time', '0')
    .option('--out-of-order <rate>', 'share of events arriving a few minutes out of order', '0')
    .option('--invalid <rate>', 'share of extra events with one realistic mistake each', '0')
    .option('--manual <ids...>', 'manual indicator ids to receive kpi.manual_score events from reviewers')
    .option('--definitions <path>', 'take the manual indicator ids (and reviewers) from KPI definition files')
    .option('--manual-cadence <week|month>', 'review every Friday or on the last weekday of the month', 'week')
    .option('--reviewers <ids...>', 'reviewer ids, assigned to teams round-robin (default mgr-<teamId>)')
    .option('--out <file>', "write to a file instead of stdout ('-' = stdout)")
    .option('--progress', 'show a progress bar on stderr even when it is not a terminal')
    .option('--no-progress', 'never show the progress bar')
    .option('--as <connector>', `send the events as a vendor's signed webhooks: ${CONNECTOR_NAMES.join(', ')}`)
    .option('--to <url>', 'with --as: the connector source URL (POST /v1/sources answers it)')
    .option('--secret <secret>', 'with --as: the secret the connector source was registered with')
    .option('--rate <n>', 'with --as: events per second, stamped with the current time', '5')
    .option('--count <n>', 'with --as: stop after this many events')
    .addHelpText(
      'after',
      `
Writes one canonical event per line (CloudEvents JSON) and a summary of the lines by kind to stderr.
Events come in time order except the --late and --out-of-order ones; --invalid lines are meant to
be rejected by ingestion. Exit 0 on success, 2 on invalid options.

Examples:
  kpi-pulse simulate --orgs 1 --teams 5 --agents 10 --days 30 --seed 42 > events.jsonl
  kpi-pulse simulate --days 7 --time-zone America/New_York --duplicates 0.01 --late 0.005 --invalid 0.002 --out events.jsonl
  kpi-pulse simulate --definitions definitions/seed --manual-cadence month --out events.jsonl
  kpi-pulse simulate --as stripe --to http://localhost:8080/v1/sources/stripe/src_3f9a1c2b4d5e --secret whsec_… --start $(date +%F)

With --as, nothing is written to stdout: the events the vendor sends (Stripe: invoices, payments and
refunds; HubSpot, Salesforce, Pipedrive: deals; Zendesk, Freshdesk: tickets; Aircall, Twilio: calls) go
to the connector as its signed webhooks, one line per answer on stderr (docs/connectors.md).`,
    )
    .action(async (opts: SimulateCliOptions) => {
      const options = toSimulationOptions(opts);
      if (opts.as !== undefined) {
        if (opts.to === undefined || opts.secret === undefined)
          throw new UsageError('--as: give the connector source with --to <url> and --secret <secret>');
        const sent = await sendAsVendor(options, {
          as: opts.as,
          to: opts.to,
          secret: opts.secret,
          rate: positiveInteger('--rate', opts.rate),
          count: opts.count === undefined ? undefined : positiveInteger('--count', opts.count),
        });
        process.stderr.write(`${plural(sent, 'event')} sent as ${opts.as} webhooks\n`);
        return;
      }
      let lines: Iterable<SimulatedLine>;
      let total: number;
      try {
        lines = simulate(options);
        total = estimateTotal(options);
      } catch (err) {
        if (err instanceof SimulationOptionsError) {
          throw new UsageError(err.message.replace(`${err.field}:`, `${FLAGS[err.field]}:`));
        }
        throw err;
      }
      const out = await openOutput(opts.out);
      const startedAt = performance.now();
      const bar = createProgressBar({ total, label: 'simulate', stream: process.stderr, enabled: opts.progress });
      const { counts, closed } = await writeNdjson(lines, out, (n) => bar.tick(n));
      bar.done();
      const seconds = (performance.now() - startedAt) / 1000;
      const all = counts.valid + counts.duplicate + counts.late + counts.invalid;
      const target = opts.out === undefined || opts.out === '-' ? 'stdout' : opts.out;
      process.stderr.write(
        `simulate: ${formatNumber(all)} lines${closed ? ' (output closed early)' : ''} — valid ${formatNumber(counts.valid)}, ` +
          `duplicate ${formatNumber(counts.duplicate)}, late ${formatNumber(counts.late)}, invalid ${formatNumber(counts.invalid)}; ` +
          `${plural(options.orgs, 'org')} × ${plural(options.teamsPerOrg, 'team')} × ${plural(options.agentsPerTeam, 'agent')}, ${plural(options.days, 'day')} from ${options.start} ` +
          `(${options.timeZone ?? DEFAULT_TIME_ZONE}), seed ${options.seed ?? 1}; ${seconds.toFixed(1)}s → ${target}\n`,
      );
    });
}
