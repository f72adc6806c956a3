import type { Command } from 'commander';
import { evaluate } from '#libs/evaluation';
import { loadBatchInput } from './batch-input';
import { LineFile } from './read-lines';
import { formatScorecards } from './scorecard-table';

interface EvaluateOptions {
  definitions: string;
  events: string;
  asOf: string;
  org?: string;
  compact?: boolean;
  format: string;
}

export function registerEvaluateCommand(program: Command): void {
  program
    .command('evaluate')
    .description('Compute every indicator value and scorecard as of a moment, from definition files and an event file.')
    .requiredOption('--definitions <path>', 'KPI definition file or directory (YAML/JSON)')
    .requiredOption(
      '--events <file>',
      "canonical events, one JSON per line, any order, duplicates allowed ('-' = stdin)",
    )
    .requiredOption('--as-of <time>', 'RFC 3339 moment, e.g. 2026-11-30T23:59:59+08:00; later events are ignored')
    .option('--org <orgId>', 'only this org')
    .option('--compact', 'one-line JSON instead of indented')
    .option('--format <json|table>', 'json (the contract) or table (the scorecards, for people)', 'json')
    .addHelpText(
      'after',
      `
Prints one JSON document on stdout: { asOf, indicators, scorecards, rejected, conflicts, summary };
with --format table, the scorecards as readable tables (zh and en labels) instead.
Every number (values, achievement, scores, totals) is printed unrounded, as computed: grades and
statuses are decided on them. The table rounds for reading only: scores and totals to 2 decimals,
actuals and targets to 3 (docs/definitions.md, "Status, grades and rounding").
The first valid line of a (source, id) counts, whatever its time and --as-of; a later line with the
same content is a duplicate, one with other content a conflict, listed with both lines
(docs/definitions.md, "Duplicates and conflicts").
Diagnostics go to stderr. Exit 0 on success, 2 on invalid definitions or arguments.

Example:
  kpi-pulse simulate --days 30 --seed 7 > events.jsonl
  kpi-pulse evaluate --definitions definitions/seed --events events.jsonl --as-of 2026-11-30T23:59:59+08:00`,
    )
    .action((opts: EvaluateOptions) => {
      const set = loadBatchInput(opts);
      const input = { definitions: set, lines: new LineFile(opts.events), asOf: opts.asOf };
      const report = evaluate(opts.org === undefined ? input : { ...input, org: opts.org });
      process.stdout.write(
        opts.format === 'table'
          ? formatScorecards(report.scorecards)
          : `${JSON.stringify(report, null, opts.compact === true ? undefined : 2)}\n`,
      );
      const s = report.summary;
      process.stderr.write(
        `evaluate: ${s.lines} events read, ${s.accepted} accepted, ${s.duplicates} duplicates, ${s.conflicts} conflicts, ${s.rejected} rejected, ` +
          `${s.afterAsOf} after --as-of${opts.org === undefined ? '' : `, ${s.otherOrgs} of other orgs`}; ${report.indicators.length} indicator values, ${report.scorecards.length} scorecards\n`,
      );
    });
}
