import { CALENDAR_WINDOWS, LEVELS, type DimensionDef, type GradeDef, type KpiDef, type ScorecardDef } from './model';
import {
  childPath,
  expected,
  itemPath,
  missing,
  readEnum,
  readList,
  readLocalized,
  readMapping,
  readNumber,
  report,
  readString,
  type Mapping,
  type ParseContext,
} from './parse-context';
import { parseAlertRule } from './parse-alert-rule';
import { parseBonusPool, parseCalibration, parseClose, parseStreakRule } from './parse-close-rules';
import { parseKpi } from './parse-kpi';
import { parseStatus } from './parse-status';

const SCORECARD_KEYS = [
  'id',
  'version',
  'effectiveFrom',
  'name',
  'role',
  'level',
  'period',
  'source',
  'status',
  'maxDeduction',
  'grades',
  'dimensions',
  'kpis',
  'alerts',
  'close',
  'calibration',
  'bonusPool',
  'streaks',
] as const;
const DEFAULT_STATUS = { green: 100, amber: 80 } as const;

// Read as a UTC midnight and written back: only YYYY-MM-DD reads back the same, and a day or month
// past its end rolls over (Date.UTC would take the years 0–99 for 1900–1999).
export function isIsoDate(text: string): boolean {
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text;
}

function readEffectiveFrom(ctx: ParseContext, map: Mapping, path: string): string | undefined {
  const value = map['effectiveFrom'];
  if (value === undefined) {
    missing(ctx, path, 'effectiveFrom');
    return undefined;
  }
  // a YAML 1.1 reader turns 2026-01-01 into a Date; take its calendar date back
  if (value instanceof Date && !Number.isNaN(value.getTime())) return value.toISOString().slice(0, 10);
  if (typeof value === 'string' && isIsoDate(value)) return value;
  expected(ctx, childPath(path, 'effectiveFrom'), 'a date YYYY-MM-DD', value);
  return undefined;
}

function readItems<T>(
  ctx: ParseContext,
  map: Mapping,
  key: string,
  path: string,
  parse: (value: unknown, path: string) => T | undefined,
): T[] {
  const at = childPath(path, key);
  if (map[key] === undefined) {
    missing(ctx, path, key);
    return [];
  }
  const list = readList(ctx, map[key], at) ?? [];
  const out: T[] = [];
  list.forEach((item, i) => {
    const parsed = parse(item, itemPath(at, i));
    if (parsed !== undefined) out.push(parsed);
  });
  return out;
}

// `min: 90` takes totals from 90 up; `above: 95` from just over 95 (seed 003 writes "95<总分≤100").
function parseGrade(ctx: ParseContext, value: unknown, path: string): GradeDef | undefined {
  const map = readMapping(ctx, value, path, ['grade', 'min', 'above', 'coefficient', 'bonus']);
  if (map === undefined) return undefined;
  const grade = readString(ctx, map, 'grade', path, true);
  const hasAbove = map.above !== undefined;
  if (hasAbove && map.min !== undefined) {
    report(ctx, path, 'give either min (inclusive) or above (exclusive), not both');
  }
  const min = readNumber(ctx, map, hasAbove ? 'above' : 'min', path, 'any', true);
  const coefficient = readNumber(ctx, map, 'coefficient', path, 'non-negative', false);
  // a bonus may be negative: seed 003 takes 200 off for grade D
  const bonus = readNumber(ctx, map, 'bonus', path, 'any', false);
  if (grade === undefined || min === undefined) return undefined;
  const def: GradeDef = { grade, min };
  if (hasAbove) def.minExclusive = true;
  if (coefficient !== undefined) def.coefficient = coefficient;
  if (bonus !== undefined) def.bonus = bonus;
  return def;
}

function parseDimension(ctx: ParseContext, value: unknown, path: string): DimensionDef | undefined {
  const map = readMapping(ctx, value, path, ['id', 'name', 'weight']);
  if (map === undefined) return undefined;
  const id = readString(ctx, map, 'id', path, true);
  const name = readLocalized(ctx, map, 'name', path, true) ?? { en: id ?? '', zh: '' };
  const weight = readNumber(ctx, map, 'weight', path, 'positive', true) ?? 1;
  return id === undefined ? undefined : { id, name, weight };
}

// One entry of `scorecards:`; undefined when it has no id or effective date (what versions key on).
export function parseScorecard(ctx: ParseContext, value: unknown, path: string): ScorecardDef | undefined {
  const map = readMapping(ctx, value, path, SCORECARD_KEYS);
  if (map === undefined) return undefined;
  const id = readString(ctx, map, 'id', path, true);
  const version = readNumber(ctx, map, 'version', path, 'positive integer', false) ?? 1;
  const effectiveFrom = readEffectiveFrom(ctx, map, path);
  const name = readLocalized(ctx, map, 'name', path, true) ?? { en: id ?? '', zh: '' };
  const role = readString(ctx, map, 'role', path, true) ?? '';
  const level = readEnum(ctx, map, 'level', path, LEVELS, true) ?? 'agent';
  const period = readEnum(ctx, map, 'period', path, CALENDAR_WINDOWS, true) ?? 'month';
  const source = readString(ctx, map, 'source', path, false) ?? '';
  const status = parseStatus(ctx, map['status'], childPath(path, 'status'), DEFAULT_STATUS);
  const maxDeduction = readNumber(ctx, map, 'maxDeduction', path, 'positive', false);
  const grades = readItems(ctx, map, 'grades', path, (v, p) => parseGrade(ctx, v, p));
  const dimensions = readItems(ctx, map, 'dimensions', path, (v, p) => parseDimension(ctx, v, p));
  const kpis: KpiDef[] = readItems(ctx, map, 'kpis', path, (v, p) => parseKpi(ctx, v, p, period, status));
  const alertIds = new Set<string>();
  const alerts =
    map['alerts'] === undefined
      ? []
      : readItems(ctx, map, 'alerts', path, (v, p) => parseAlertRule(ctx, v, p, kpis, alertIds));
  const refs = { grades, kpis };
  const close = map['close'] === undefined ? undefined : parseClose(ctx, map['close'], childPath(path, 'close'));
  const calibration =
    map['calibration'] === undefined
      ? undefined
      : parseCalibration(ctx, map['calibration'], childPath(path, 'calibration'), refs);
  const bonusPool =
    map['bonusPool'] === undefined
      ? undefined
      : parseBonusPool(ctx, map['bonusPool'], childPath(path, 'bonusPool'), refs);
  const streakIds = new Set<string>();
  const streaks =
    map['streaks'] === undefined
      ? []
      : readItems(ctx, map, 'streaks', path, (v, p) => parseStreakRule(ctx, v, p, refs, streakIds));
  if (id === undefined || effectiveFrom === undefined) return undefined;
  const def: ScorecardDef = {
    id,
    version,
    effectiveFrom,
    name,
    role,
    level,
    period,
    dimensions,
    kpis,
    grades,
    status,
    alerts,
    streaks,
    source,
  };
  if (maxDeduction !== undefined) def.maxDeduction = maxDeduction;
  if (close !== undefined) def.close = close;
  if (calibration !== undefined) def.calibration = calibration;
  if (bonusPool !== undefined) def.bonusPool = bonusPool;
  return def;
}
