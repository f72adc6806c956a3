import type { Command } from 'commander';
import { formatIssue, loadDefinitions, type DefinitionIssue } from '#libs/definitions';
import { registerPreviewCommand } from './definitions-preview.command';

interface ValidateOptions {
  json?: boolean;
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function printGrouped(title: string, issues: readonly DefinitionIssue[]): void {
  if (issues.length === 0) return;
  process.stderr.write(`${title}:\n${issues.map((i) => `  ${formatIssue(i)}`).join('\n')}\n`);
}

export function registerDefinitionsCommand(program: Command): void {
  const definitions = program.command('definitions').description('Work with KPI-as-code definition files (YAML/JSON).');
  definitions
    .command('validate')
    .description(
      'Parse, cross-check and SMART-lint KPI definitions: a file, or a directory read recursively (*.yaml, *.yml, *.json).',
    )
    .argument('<path>', 'definition file or directory')
    .option('--json', 'print the issues as a JSON array on stdout instead of text')
    .addHelpText(
      'after',
      `
Errors (wrong types, unknown keys, missing indicators, duplicate ids, unordered grades…) and warnings
(weights not adding up, SMART lint findings) go to stderr as "file: path: message", grouped; a summary
line goes to stdout. Exit 0 when there are no errors (warnings allowed), 2 otherwise.
The format is described in docs/definitions.md.

Example:
  kpi-pulse definitions validate definitions/seed
  kpi-pulse definitions validate definitions/seed --json | jq '.[] | select(.severity == "error")'`,
    )
    .action((path: string, options: ValidateOptions) => {
      const { set, issues } = loadDefinitions(path);
      const errors = issues.filter((i) => i.severity === 'error');
      const warnings = issues.filter((i) => i.severity === 'warning');
      if (options.json === true) {
        process.stdout.write(`${JSON.stringify(issues, null, 2)}\n`);
      } else {
        printGrouped('errors', errors);
        printGrouped('warnings', warnings);
        const kpis = set.scorecards.reduce((sum, s) => sum + s.kpis.length, 0);
        process.stdout.write(
          `${count(set.indicators.length, 'indicator')}, ${count(set.scorecards.length, 'scorecard')} (${kpis} KPIs): ` +
            `${count(errors.length, 'error')}, ${count(warnings.length, 'warning')}\n`,
        );
      }
      if (errors.length > 0) process.exitCode = 2;
    });
  registerPreviewCommand(definitions);
}
