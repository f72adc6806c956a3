import type { StatusThresholds } from './model';
import { readMapping, readNumber, type ParseContext } from './parse-context';

// `status: { green, amber }` of a scorecard or of one KPI; a value left out is taken from `fallback`.
export function parseStatus(
  ctx: ParseContext,
  value: unknown,
  path: string,
  fallback: StatusThresholds,
): StatusThresholds {
  if (value === undefined) return fallback;
  const map = readMapping(ctx, value, path, ['green', 'amber']);
  if (map === undefined) return fallback;
  return {
    green: readNumber(ctx, map, 'green', path, 'non-negative', false) ?? fallback.green,
    amber: readNumber(ctx, map, 'amber', path, 'non-negative', false) ?? fallback.amber,
  };
}
