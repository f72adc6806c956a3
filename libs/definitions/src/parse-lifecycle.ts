import { parseDuration } from './duration';
import type { DurationUnit, FieldPath, LifecyclePick, LifecycleResult, Measure, Term } from './model';
import {
  childPath,
  expected,
  missing,
  readEnum,
  readMapping,
  report,
  type Mapping,
  type ParseContext,
} from './parse-context';
import { parseTerm } from './parse-term';

const LIFECYCLE_KEYS = ['key', 'from', 'to', 'pick', 'measure', 'unit', 'within', 'horizon'] as const;
const CONVERSION_KEYS = ['key', 'from', 'to', 'within'] as const;
const PICKS: readonly LifecyclePick[] = ['first', 'last'];
const RESULTS: readonly LifecycleResult['kind'][] = ['average', 'within'];
const DURATION_UNITS: readonly DurationUnit[] = ['s', 'min', 'h', 'd'];
// the key names one record: a data field or the envelope's subject
const KEY_FIELD = /^(subject|data(\.[A-Za-z0-9_-]+)+)$/;
const DURATION_HINT = 'a duration such as 30s, 2h or 90d';

function readKey(ctx: ParseContext, map: Mapping, path: string): FieldPath | undefined {
  const key = map['key'];
  if (key === undefined) missing(ctx, path, 'key');
  else if (typeof key === 'string' && KEY_FIELD.test(key)) return key;
  else expected(ctx, childPath(path, 'key'), 'the field that names the record, such as data.ticketId or subject', key);
  return undefined;
}

// An end of the pair is a count term: which events, under which conditions; it is placed by event time.
function readEnd(ctx: ParseContext, map: Mapping, end: 'from' | 'to', path: string): Term | undefined {
  const at = childPath(path, end);
  if (map[end] === undefined) {
    missing(ctx, path, end);
    return undefined;
  }
  const term = parseTerm(ctx, map[end], at);
  if (term === undefined) return undefined;
  if (term.aggregation.kind !== 'count') {
    report(ctx, childPath(at, term.aggregation.kind), `not allowed in a ${end} event: a pair is timed, not summed`);
    return undefined;
  }
  if (term.timeField !== 'time') {
    report(ctx, childPath(at, 'time'), `not allowed in a ${end} event: a pair is timed by its events' time`);
    return undefined;
  }
  return term;
}

function readPositiveDuration(ctx: ParseContext, map: Mapping, key: string, path: string): number | undefined {
  const value = map[key];
  if (value === undefined) {
    missing(ctx, path, key);
    return undefined;
  }
  const ms = typeof value === 'string' ? parseDuration(value) : undefined;
  if (ms !== undefined && ms > 0) return ms;
  expected(ctx, childPath(path, key), DURATION_HINT, value);
  return undefined;
}

function readResult(ctx: ParseContext, map: Mapping, path: string): LifecycleResult | undefined {
  const kind = readEnum(ctx, map, 'measure', path, RESULTS, true);
  if (kind === 'average') {
    if (map['within'] !== undefined) report(ctx, childPath(path, 'within'), 'only with measure: within');
    const unit = readEnum(ctx, map, 'unit', path, DURATION_UNITS, true);
    return unit === undefined ? undefined : { kind, unit };
  }
  if (kind === 'within') {
    if (map['unit'] !== undefined) report(ctx, childPath(path, 'unit'), 'only with measure: average');
    const withinMs = readPositiveDuration(ctx, map, 'within', path);
    return withinMs === undefined ? undefined : { kind, withinMs };
  }
  return undefined;
}

// `lifecycle: { key, from, to, pick?, measure: average | within, unit | within, horizon }`
export function parseLifecycle(ctx: ParseContext, value: unknown, path: string): Measure | undefined {
  const map = readMapping(ctx, value, path, LIFECYCLE_KEYS);
  if (map === undefined) return undefined;
  const key = readKey(ctx, map, path);
  const from = readEnd(ctx, map, 'from', path);
  const to = readEnd(ctx, map, 'to', path);
  // Stryker disable next-line BooleanLiteral: read only when present, so never missing
  const pick = map['pick'] === undefined ? 'first' : readEnum(ctx, map, 'pick', path, PICKS, true);
  const result = readResult(ctx, map, path);
  const horizonMs = readPositiveDuration(ctx, map, 'horizon', path);
  if (result?.kind === 'within' && horizonMs !== undefined && horizonMs < result.withinMs) {
    report(
      ctx,
      childPath(path, 'horizon'),
      `expected a horizon of at least within (${String(map['within'])}), got ${String(map['horizon'])}: ` +
        'a pair is only counted within the horizon',
    );
    return undefined;
  }
  if (
    key === undefined ||
    from === undefined ||
    to === undefined ||
    pick === undefined ||
    result === undefined ||
    horizonMs === undefined
  )
    return undefined;
  return { kind: 'lifecycle', key, from, to, pick, result, horizonMs };
}

// `conversion: { key, from, to, within }`: the window is also the horizon of an open key
export function parseConversion(ctx: ParseContext, value: unknown, path: string): Measure | undefined {
  const map = readMapping(ctx, value, path, CONVERSION_KEYS);
  if (map === undefined) return undefined;
  const key = readKey(ctx, map, path);
  const from = readEnd(ctx, map, 'from', path);
  const to = readEnd(ctx, map, 'to', path);
  const withinMs = readPositiveDuration(ctx, map, 'within', path);
  if (key === undefined || from === undefined || to === undefined || withinMs === undefined) return undefined;
  return { kind: 'conversion', key, from, to, withinMs };
}
