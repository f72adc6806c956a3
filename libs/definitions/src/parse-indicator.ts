import { parseDuration } from './duration';
import {
  CALENDAR_WINDOWS,
  LEVELS,
  ROLLING_WINDOWS,
  type IndicatorDef,
  type IndicatorUnit,
  type Level,
  type Measure,
  type WindowName,
} from './model';
import {
  childPath,
  expected,
  itemPath,
  oneOfMessage,
  readEnum,
  readLocalized,
  readMapping,
  readNumber,
  readString,
  readStringList,
  report,
  type ParseContext,
} from './parse-context';
import { MEASURE_KEYS, parseMeasure } from './parse-measure';

const INDICATOR_KEYS = [
  'id',
  'version',
  'name',
  'description',
  'unit',
  'levels',
  'windows',
  'allowedLateness',
  ...MEASURE_KEYS,
] as const;

export const INDICATOR_UNITS: readonly IndicatorUnit[] = [
  'ratio',
  'count',
  'amount',
  'seconds',
  'minutes',
  'hours',
  'days',
  'points',
  'number',
];
export const WINDOWS: readonly WindowName[] = [...ROLLING_WINDOWS, ...CALENDAR_WINDOWS];
export const INDICATOR_ID = /^[a-z0-9_.-]+$/;
const DEFAULT_LATENESS_MS = 3_600_000;
// kept in place of a broken measure: valid with every window, so it adds no follow-on errors
const STAND_IN_MEASURE: Measure = {
  kind: 'terms',
  numerator: { types: [], where: [], timeField: 'time', aggregation: { kind: 'count' } },
  scale: 1,
};

// A string or list whose every item must be one of `allowed`.
export function readChoices<T extends string>(
  ctx: ParseContext,
  value: unknown,
  path: string,
  allowed: readonly T[],
): T[] | undefined {
  const names = readStringList(ctx, value, path);
  if (names === undefined) return undefined;
  const out: T[] = [];
  names.forEach((name, i) => {
    const found = allowed.find((a) => a === name);
    if (found === undefined) report(ctx, Array.isArray(value) ? itemPath(path, i) : path, oneOfMessage(name, allowed));
    else if (out.includes(found)) report(ctx, itemPath(path, i), `"${name}" is listed twice`);
    else out.push(found);
  });
  return out.length === names.length ? out : undefined;
}

// One entry of `indicators:`; undefined when it has no usable id. Other problems are reported and a
// stand-in value is kept, so that one typo does not make every KPI using the indicator fail too.
export function parseIndicator(ctx: ParseContext, value: unknown, path: string): IndicatorDef | undefined {
  const map = readMapping(ctx, value, path, INDICATOR_KEYS);
  if (map === undefined) return undefined;
  const id = readString(ctx, map, 'id', path, true);
  if (id !== undefined && !INDICATOR_ID.test(id)) {
    expected(ctx, childPath(path, 'id'), 'a dotted lower-case id ([a-z0-9_.-])', id);
  }
  const version = readNumber(ctx, map, 'version', path, 'positive integer', false) ?? 1;
  const name = readLocalized(ctx, map, 'name', path, true) ?? { en: id ?? '', zh: '' };
  const description = readString(ctx, map, 'description', path, false) ?? '';
  const unit = readEnum(ctx, map, 'unit', path, INDICATOR_UNITS, true) ?? 'number';
  const levels: readonly Level[] =
    map['levels'] === undefined
      ? LEVELS
      : (readChoices(ctx, map['levels'], childPath(path, 'levels'), LEVELS) ?? LEVELS);
  let windows: WindowName[] = [];
  if (map['windows'] === undefined) report(ctx, childPath(path, 'windows'), 'missing required key "windows"');
  else windows = readChoices(ctx, map['windows'], childPath(path, 'windows'), WINDOWS) ?? [];
  let allowedLatenessMs = DEFAULT_LATENESS_MS;
  const lateness = map['allowedLateness'];
  if (lateness !== undefined) {
    const ms = typeof lateness === 'string' ? parseDuration(lateness) : undefined;
    if (ms === undefined)
      expected(ctx, childPath(path, 'allowedLateness'), 'a duration such as 90s, 30m, 48h or 2d', lateness);
    else allowedLatenessMs = ms;
  }
  const measure = parseMeasure(ctx, map, path) ?? STAND_IN_MEASURE;
  if (id === undefined) return undefined;
  return { id, version, name, description, unit, levels, windows, allowedLatenessMs, measure };
}
