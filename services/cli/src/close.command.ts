import type { Command } from 'commander';
import { closeBatch } from '#libs/evaluation';
import { formatCloses } from './close-table';
import { loadBatchInput } from './batch-input';
import { LineFile } from './read-lines';
import { UsageError } from './usage-error';

interface CloseOptions {
  definitions: string;
  events: string;
  asOf: string;
  org?: string;
  scorecard?: string;
  periods?: string;
  compact?: boolean;
  format: string;
}

export function registerCloseCommand(program: Command): void {
  program
    .command('close')
    .description(
      'Close the scorecard periods due at a moment from an event file: frozen cards with their content hash, the forced-distribution proposal, the bonus pool and streaks.',
    )
    .requiredOption('--definitions <path>', 'KPI definition file or directory (YAML/JSON)')
    .requiredOption(
      '--events <file>',
      "canonical events, one JSON per line, any order, duplicates allowed ('-' = stdin)",
    )
    .requiredOption(
      '--as-of <time>',
      'RFC 3339 moment; the periods whose end + grace has passed by then are closed, later events ignored',
    )
    .option('--org <orgId>', 'only this org')
    .option('--scorecard <id>', 'only this scorecard')
    .option(
      '--periods <n>',
      "how many due periods of each scorecard, the latest last (default: its streaks' look-back + 1)",
    )
    .option('--compact', 'one-line JSON instead of indented')
    .option('--format <json|table>', 'json (the frozen results) or table (for people)', 'json')
    .addHelpText(
      'after',
      `
Prints one JSON document on stdout: { asOf, closes, rejected, conflicts, summary }; each close has the
period (UTC ms), the grace, the definitions version, the outcome (calibration proposal, bonus pool) and
every card frozen: { frozen: { content, hash }, outcome: { proposedGrade, bonus, streaks } }. The hash is
the live pipeline's for the same events (docs/review-and-close.md). Every event of the file timed before
a period's end counts in it, as if each arrived within the grace. A line per closed period goes to stderr.
Exit 0 on success, 2 on invalid definitions or arguments.

Example:
  kpi-pulse simulate --days 62 --start 2026-10-01 --seed 7 > events.jsonl
  kpi-pulse close --definitions definitions/seed --events events.jsonl --as-of 2026-12-09T00:00:00+08:00 --format table`,
    )
    .action((opts: CloseOptions) => {
      const set = loadBatchInput(opts);
      const periods = opts.periods === undefined ? undefined : Number(opts.periods);
      if (periods !== undefined && (!Number.isInteger(periods) || periods < 1 || periods > 120)) {
        throw new UsageError(`--periods: expected an integer from 1 to 120, got "${opts.periods}"`);
      }
      if (opts.scorecard !== undefined && !set.scorecards.some((s) => s.id === opts.scorecard)) {
        throw new UsageError(`--scorecard: no scorecard "${opts.scorecard}" in ${opts.definitions}`);
      }
      const report = closeBatch({
        definitions: set,
        lines: new LineFile(opts.events),
        asOf: opts.asOf,
        ...(opts.org === undefined ? {} : { org: opts.org }),
        ...(opts.scorecard === undefined ? {} : { scorecard: opts.scorecard }),
        ...(periods === undefined ? {} : { periods }),
        onPeriod: (c) =>
          process.stderr.write(
            `close: ${c.scorecard} ${c.orgId} ${new Date(c.periodStart).toISOString()} → ${new Date(c.periodEnd).toISOString()}: ${c.cards.length} cards frozen\n`,
          ),
      });
      process.stdout.write(
        opts.format === 'table'
          ? formatCloses(report.closes)
          : `${JSON.stringify(report, null, opts.compact === true ? undefined : 2)}\n`,
      );
      const s = report.summary;
      process.stderr.write(
        `close: ${s.lines} events read, ${s.accepted} accepted, ${s.duplicates} duplicates, ${s.conflicts} conflicts, ${s.rejected} rejected, ` +
          `${s.afterAsOf} after --as-of; ${report.closes.length} periods closed\n`,
      );
    });
}
