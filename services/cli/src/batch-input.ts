import { existsSync } from 'node:fs';
import { formatIssue, loadDefinitions, type DefinitionSet } from '#libs/definitions';
import { UsageError } from './usage-error';

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

// The arguments `evaluate` and `close` share, checked in the same order with the same messages, and the
// definitions they load (a usage error, exit 2, naming every invalid one).
export function loadBatchInput(opts: {
  definitions: string;
  events: string;
  asOf: string;
  format: string;
}): DefinitionSet {
  if (!RFC3339.test(opts.asOf) || Number.isNaN(Date.parse(opts.asOf))) {
    throw new UsageError(`--as-of: expected an RFC 3339 time with offset, got "${opts.asOf}"`);
  }
  if (opts.events !== '-' && !existsSync(opts.events)) {
    throw new UsageError(`--events: no such file ${opts.events}`);
  }
  if (!existsSync(opts.definitions)) {
    throw new UsageError(`--definitions: no such file or directory ${opts.definitions}`);
  }
  if (opts.format !== 'json' && opts.format !== 'table') {
    throw new UsageError(`--format: expected json or table, got "${opts.format}"`);
  }
  const { set, issues } = loadDefinitions(opts.definitions);
  const errors = issues.filter((i) => i.severity === 'error');
  if (errors.length > 0) {
    throw new UsageError(`invalid definitions:\n${errors.map(formatIssue).join('\n')}`);
  }
  return set;
}
