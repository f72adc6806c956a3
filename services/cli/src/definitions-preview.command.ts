import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { parse } from 'yaml';
import { formatIssue, loadDefinitions } from '#libs/definitions';
import type { CardTally, EntityChange, PreviewProgress, PreviewReport } from '#libs/preview';
import { createProgressBar, type ProgressBar } from './progress-bar';
import { runningApi, type RunningApiOptions } from './running-api';
import { UsageError } from './usage-error';

interface PreviewOptions extends RunningApiOptions {
  days?: string;
  json?: boolean;
  movers: string;
  progress?: boolean;
}

const DEFINITION_FILE = /\.(ya?ml|json)$/;

// A file as it is, or a directory's files merged into one document (their orgs, indicators and
// scorecards, in path order), as POST /v1/definitions/preview takes one document.
function draftBody(path: string): { body: string; type: string } {
  if (!statSync(path).isDirectory())
    return { body: readFileSync(path, 'utf8'), type: path.endsWith('.json') ? 'application/json' : 'application/yaml' };
  const doc = {
    apiVersion: 'kpi-pulse/v1',
    orgs: [] as unknown[],
    indicators: [] as unknown[],
    scorecards: [] as unknown[],
  };
  const files = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true })
      .flatMap((d) =>
        d.isDirectory() ? files(join(dir, d.name)) : DEFINITION_FILE.test(d.name) ? [join(dir, d.name)] : [],
      )
      .sort();
  for (const file of files(path)) {
    const part = (parse(readFileSync(file, 'utf8')) ?? {}) as Partial<typeof doc>;
    doc.orgs.push(...(part.orgs ?? []));
    doc.indicators.push(...(part.indicators ?? []));
    doc.scorecards.push(...(part.scorecards ?? []));
  }
  return { body: JSON.stringify(doc), type: 'application/json' };
}

// Reads the NDJSON answer: progress to the bar, the preview (or the server's error) returned.
async function readAnswer(res: Response, onProgress: (p: PreviewProgress) => void): Promise<PreviewReport> {
  const decoder = new TextDecoder();
  let buffered = '';
  let preview: PreviewReport | undefined;
  const take = (line: string): void => {
    if (line.trim() === '') return;
    const parsed = JSON.parse(line) as {
      progress?: PreviewProgress;
      preview?: PreviewReport;
      error?: { message: string };
    };
    if (parsed.progress !== undefined) onProgress(parsed.progress);
    if (parsed.error !== undefined) throw new UsageError(`the preview failed: ${parsed.error.message}`);
    if (parsed.preview !== undefined) preview = parsed.preview;
  };
  for await (const chunk of res.body ?? []) {
    buffered += decoder.decode(chunk as Uint8Array, { stream: true });
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    lines.forEach(take);
  }
  take(buffered);
  if (preview === undefined) throw new UsageError('the preview ended without an answer (did the server stop?)');
  return preview;
}

const num = (n: number | null | undefined): string => (n === null || n === undefined ? '—' : n.toFixed(2));
const grades = (t: CardTally | null): string =>
  t === null
    ? 'not in force'
    : Object.entries(t.grades)
        .map(([g, n]) => `${g} ${n}`)
        .join(' ') || 'no grades';
const side = (o: EntityChange['before']): string =>
  o === null
    ? 'no card'
    : `${num(o.total)} ${o.grade ?? '—'}${o.redLines.length > 0 ? ` ⛔ ${o.redLines.join(' ')}` : ''}`;

// how a closed period was read: from its frozen cards, or (not closed yet) from the stored values
const note = (d: PreviewReport['scorecards'][number]): string =>
  (d.period === 'current' ? '' : d.closed ? ' (as frozen at its close)' : ' (not closed yet: the stored values)') +
  (d.covered ? '' : " (a rolling window's latest value read)");

// For people: per scorecard and period, the grades and red lines before → after, then the biggest movers.
export function previewTable(report: PreviewReport, movers: number): string {
  const out = [
    `preview of ${report.orgId} as of ${report.asOf}: the stored values of ${report.scored.entities.toLocaleString('en-US')} entities re-scored, periods from ${report.from}`,
  ];
  for (const d of report.scorecards) {
    const cards = d.after?.cards ?? d.before?.cards ?? 0;
    out.push(
      '',
      `${d.scorecard} · ${d.period} ${d.periodStart.slice(0, 10)} – ${d.periodEnd.slice(0, 10)}${note(d)}: ${cards} cards`,
      `  grades     ${grades(d.before)} → ${grades(d.after)}`,
      `  red lines  ${d.before?.withRedLines ?? 0} → ${d.after?.withRedLines ?? 0} cards; mean total ${num(d.before?.meanTotal)} → ${num(d.after?.meanTotal)}`,
      `  changed    ${d.changed.grades} grades, ${d.changed.totals} totals, ${d.changed.redLines} red lines`,
    );
    for (const m of d.movers.slice(0, movers))
      out.push(
        `    ${m.entity.level} ${m.entity.id}: ${side(m.before)} → ${side(m.after)}${m.delta === null ? '' : ` (${m.delta > 0 ? '+' : ''}${m.delta.toFixed(2)})`}`,
      );
  }
  return `${out.join('\n')}\n`;
}

export function registerPreviewCommand(definitions: Command): void {
  definitions
    .command('preview')
    .description(
      "What-if: the org's stored indicator values re-scored under draft definitions beside the published ones, on a running KPI Pulse.",
    )
    .argument('<path>', 'the draft: a definitions file, or a directory merged into one document')
    .option(
      '--days <n>',
      "also every closed period ending in the last n days (default: each scorecard's current and previous period)",
    )
    .option('--json', 'print the preview as JSON on stdout instead of the table')
    .option('--movers <n>', 'movers to list per scorecard and period in the table', '5')
    .option('--progress', 'show the progress bar on stderr even when it is not a terminal')
    .option('--no-progress', 'never show the progress bar')
    .option('--url <url>', 'the running KPI Pulse, default http://localhost:$PORT (8080)')
    .option(
      '--token <jwt>',
      "an admin's sign-in token (default KPI_PULSE_TOKEN, else one of --org from the local secret)",
    )
    .option('--org <org>', 'the org, for the token minted here', 'O1')
    .addHelpText(
      'after',
      `
Calls POST /v1/definitions/preview as an admin of the org: the server re-scores the indicator values the
pipeline stored for the org (not its events: the log's retention does not matter) under the published
scorecards and under the draft's, and answers per scorecard, period (the current one and the one before,
as closed: from its frozen cards once closed) and entity the totals, grades and red lines before and
after. Prints, per scorecard and period, the grades and red lines before → after and the biggest movers.
The draft may change scorecards only (a changed indicator or org needs a replay of its own: exit 2).

Examples:
  npx kpi-pulse definitions preview my-draft.yaml
  npx kpi-pulse definitions preview definitions/seed --days 45 --json > preview.json`,
    )
    .action(async (path: string, opts: PreviewOptions) => {
      const days = opts.days === undefined ? undefined : Number(opts.days);
      if (days !== undefined && !(Number.isInteger(days) && days >= 1))
        throw new UsageError(`--days: expected a whole number of days, got "${opts.days}"`);
      const movers = Number(opts.movers);
      if (!(Number.isInteger(movers) && movers >= 0))
        throw new UsageError(`--movers: expected a whole number, got "${opts.movers}"`);
      const checked = loadDefinitions(path);
      const errors = checked.issues.filter((i) => i.severity === 'error');
      if (errors.length > 0) throw new UsageError(`invalid definitions:\n${errors.map(formatIssue).join('\n')}`);
      const { body, type } = draftBody(path);
      const { base, token } = await runningApi(opts, 'definitions-preview', '1h');
      let res: Response;
      try {
        res = await fetch(`${base}/v1/definitions/preview${days === undefined ? '' : `?days=${days}`}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': type },
          body,
        });
      } catch (err) {
        throw new UsageError(`${base}: ${err instanceof Error ? err.message : String(err)} (is KPI Pulse up?)`);
      }
      if (!res.ok) throw new UsageError(`POST /v1/definitions/preview answered ${res.status}: ${await res.text()}`);
      let bar: ProgressBar | undefined;
      let shown = 0;
      const report = await readAnswer(res, (p) => {
        bar ??= createProgressBar({
          total: p.total,
          label: 'preview',
          unit: 'entities',
          stream: process.stderr,
          enabled: opts.progress,
        });
        bar.tick(p.entities - shown);
        shown = p.entities;
      });
      bar?.done();
      process.stdout.write(opts.json === true ? `${JSON.stringify(report, null, 2)}\n` : previewTable(report, movers));
    });
}
