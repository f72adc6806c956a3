import type { CalendarWindow, Direction, KpiDef, MissingPolicy, RedLine, ScoringRule, StatusThresholds } from './model';
import {
  childPath,
  expected,
  isMapping,
  itemPath,
  missing,
  readEnum,
  readList,
  readLocalized,
  readMapping,
  readNumber,
  readString,
  type ParseContext,
} from './parse-context';
import { WINDOWS } from './parse-indicator';
import { parseRedLine } from './parse-red-line';
import { parseRule } from './parse-rule';
import { parseStatus } from './parse-status';

const KPI_KEYS = [
  'id',
  'name',
  'indicator',
  'window',
  'dimension',
  'weight',
  'direction',
  'target',
  'rule',
  'missing',
  'redLines',
  'status',
  'beforeClose',
  'source',
] as const;
const BEFORE_CLOSE: readonly NonNullable<KpiDef['beforeClose']>[] = ['pace', 'target'];
const DIRECTIONS: readonly Direction[] = ['higher', 'lower'];
const MISSING_HINT = 'exclude, zero, full or { score: n }';

function parseMissing(ctx: ParseContext, value: unknown, path: string): MissingPolicy | undefined {
  switch (value) {
    case undefined:
    case 'exclude':
      return { kind: 'exclude' };
    case 'zero':
      return { kind: 'zero' };
    case 'full':
      return { kind: 'full' };
  }
  if (!isMapping(value)) {
    expected(ctx, path, MISSING_HINT, value);
    return undefined;
  }
  const spec = readMapping(ctx, value, path, ['score']);
  const score = spec === undefined ? undefined : readNumber(ctx, spec, 'score', path, 'non-negative', true);
  return score === undefined ? undefined : { kind: 'score', score };
}

// One entry of a scorecard's `kpis:`; undefined when it lacks what the cross-checks key on (id,
// indicator, dimension), so a broken KPI adds no follow-on errors. A `status` key it leaves out is the
// scorecard's.
export function parseKpi(
  ctx: ParseContext,
  value: unknown,
  path: string,
  period: CalendarWindow,
  scorecardStatus: StatusThresholds,
): KpiDef | undefined {
  const map = readMapping(ctx, value, path, KPI_KEYS);
  if (map === undefined) return undefined;
  const id = readString(ctx, map, 'id', path, true);
  const name = readLocalized(ctx, map, 'name', path, true) ?? { en: id ?? '', zh: '' };
  const indicator = readString(ctx, map, 'indicator', path, true);
  const window = readEnum(ctx, map, 'window', path, WINDOWS, false) ?? period;
  const dimension = readString(ctx, map, 'dimension', path, true);
  // weight 0: shown and scored, but outside the graded total
  const weight = readNumber(ctx, map, 'weight', path, 'non-negative', false) ?? 1;
  const direction = readEnum(ctx, map, 'direction', path, DIRECTIONS, true) ?? 'higher';
  const target = readNumber(ctx, map, 'target', path, 'any', true) ?? Number.NaN;
  let rule: ScoringRule | undefined;
  if (map['rule'] === undefined) missing(ctx, path, 'rule');
  else rule = parseRule(ctx, map['rule'], childPath(path, 'rule'));
  const missingPolicy = parseMissing(ctx, map['missing'], childPath(path, 'missing')) ?? { kind: 'exclude' };
  const redLines: RedLine[] = [];
  if (map['redLines'] !== undefined) {
    const list = readList(ctx, map['redLines'], childPath(path, 'redLines'));
    list?.forEach((item, i) => {
      const line = parseRedLine(ctx, item, itemPath(childPath(path, 'redLines'), i));
      if (line !== undefined) redLines.push(line);
    });
  }
  const status =
    map['status'] === undefined
      ? undefined
      : parseStatus(ctx, map['status'], childPath(path, 'status'), scorecardStatus);
  const beforeClose = readEnum(ctx, map, 'beforeClose', path, BEFORE_CLOSE, false);
  const source = readString(ctx, map, 'source', path, false) ?? '';
  if (id === undefined || indicator === undefined || dimension === undefined) return undefined;
  const kpi: KpiDef = {
    id,
    name,
    indicator,
    window,
    dimension,
    weight,
    direction,
    target,
    // a broken rule stands in as a binary pass so that the KPI still cross-checks
    rule: rule ?? { kind: 'binary', pass: { op: 'gte', value: Number.NEGATIVE_INFINITY } },
    missing: missingPolicy,
    redLines,
    source,
  };
  if (status !== undefined) kpi.status = status;
  return beforeClose === undefined ? kpi : { ...kpi, beforeClose };
}
