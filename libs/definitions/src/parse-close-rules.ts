import { parseDuration } from './duration';
import type {
  BonusPlace,
  BonusPoolDef,
  CalibrationDef,
  CloseDef,
  GradeDef,
  KpiDef,
  StreakOutcomeTest,
  StreakRuleDef,
  TiebreakDef,
} from './model';
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
  report,
  suggest,
  type Mapping,
  type ParseContext,
} from './parse-context';

// What a scorecard's close rules may name: its own grades and KPIs.
export interface CardRefs {
  grades: readonly GradeDef[];
  kpis: readonly KpiDef[];
}

const STREAK_TEST_HINT = '{ totalBelow: n } or { gradeAtLeast: grade }';
const OUTCOMES = ['flag', 'promotion', 'raise'] as const;
const POPULATIONS = ['role-in-org'] as const;

// `close: { grace: 2d }`
export function parseClose(ctx: ParseContext, value: unknown, path: string): CloseDef | undefined {
  const map = readMapping(ctx, value, path, ['grace']);
  if (map === undefined) return undefined;
  const grace = map['grace'];
  if (grace === undefined) {
    missing(ctx, path, 'grace');
    return undefined;
  }
  const graceMs = typeof grace === 'string' ? parseDuration(grace) : grace === 0 ? 0 : undefined;
  if (graceMs === undefined) {
    expected(ctx, childPath(path, 'grace'), 'a duration such as 0s, 12h or 2d', grace);
    return undefined;
  }
  return { graceMs };
}

function gradeRef(ctx: ParseContext, value: unknown, path: string, refs: CardRefs): string | undefined {
  const names = refs.grades.map((g) => g.grade);
  if (typeof value !== 'string' || value.trim() === '') {
    expected(ctx, path, 'a grade of this scorecard', value);
    return undefined;
  }
  if (names.includes(value)) return value;
  report(ctx, path, `no grade "${value}" in this scorecard; the grades: ${names.join(', ')}`);
  return undefined;
}

function kpiRef(ctx: ParseContext, value: unknown, path: string, refs: CardRefs): string | undefined {
  if (typeof value !== 'string' || value.trim() === '') {
    expected(ctx, path, 'a KPI id of this scorecard', value);
    return undefined;
  }
  if (refs.kpis.some((k) => k.id === value)) return value;
  const hint = suggest(
    value,
    refs.kpis.map((k) => k.id),
  );
  report(ctx, path, `no KPI "${value}" in this scorecard${hint === undefined ? '' : ` (did you mean "${hint}"?)`}`);
  return undefined;
}

// `tiebreak: sales_amount` (a KPI id); absent: null. Undefined when it names no KPI of the card.
function readTiebreak(ctx: ParseContext, map: Mapping, path: string, refs: CardRefs): TiebreakDef | null | undefined {
  if (map['tiebreak'] === undefined) return null;
  const kpi = kpiRef(ctx, map['tiebreak'], childPath(path, 'tiebreak'), refs);
  return kpi === undefined ? undefined : { kpi };
}

// a share in (0, 1]: 0.1 is 10 %
function readShare(ctx: ParseContext, map: Mapping, key: string, path: string, zero: boolean): number | undefined {
  const value = readNumber(ctx, map, key, path, zero ? 'non-negative' : 'positive', true);
  if (value === undefined || value <= 1) return value;
  expected(ctx, childPath(path, key), 'a share of at most 1 (0.1 is 10 %)', value);
  return undefined;
}

// `calibration: { population: role-in-org, limits: [{ grade: A, atMost: 0.1 }, …], tiebreak, source }`
export function parseCalibration(
  ctx: ParseContext,
  value: unknown,
  path: string,
  refs: CardRefs,
): CalibrationDef | undefined {
  const map = readMapping(ctx, value, path, ['population', 'limits', 'tiebreak', 'source']);
  if (map === undefined) return undefined;
  const population = readEnum(ctx, map, 'population', path, POPULATIONS, true);
  const tiebreak = readTiebreak(ctx, map, path, refs);
  const source = readString(ctx, map, 'source', path, false) ?? '';
  const at = childPath(path, 'limits');
  if (map['limits'] === undefined) missing(ctx, path, 'limits');
  const list = map['limits'] === undefined ? undefined : readList(ctx, map['limits'], at);
  if (list !== undefined && list.length === 0) report(ctx, at, 'expected at least one limit, got an empty list');
  const limits: { grade: string; atMost: number }[] = [];
  let ok = list !== undefined && list.length > 0;
  (list ?? []).forEach((item, i) => {
    const p = itemPath(at, i);
    const limit = readMapping(ctx, item, p, ['grade', 'atMost']);
    if (limit === undefined) return void (ok = false);
    if (limit['grade'] === undefined) missing(ctx, p, 'grade');
    const grade = limit['grade'] === undefined ? undefined : gradeRef(ctx, limit['grade'], childPath(p, 'grade'), refs);
    const atMost = readShare(ctx, limit, 'atMost', p, false);
    if (grade === undefined || atMost === undefined) return void (ok = false);
    const previous = limits[limits.length - 1];
    const order = (g: string) => refs.grades.findIndex((d) => d.grade === g);
    if (previous !== undefined && order(grade) <= order(previous.grade)) {
      report(
        ctx,
        childPath(p, 'grade'),
        `expected the limits best grade first: "${grade}" comes after "${previous.grade}"`,
      );
      return void (ok = false);
    }
    limits.push({ grade, atMost });
  });
  const last = refs.grades[refs.grades.length - 1];
  if (last !== undefined && limits.some((l) => l.grade === last.grade)) {
    report(ctx, at, `the lowest grade "${last.grade}" takes the overflow: it cannot be limited`);
    ok = false;
  }
  if (population === undefined || tiebreak === undefined || !ok) return undefined;
  return { population, limits, tiebreak, source };
}

// `bonusPool: { base: { kpi, rate }, places: [{ share, plus }, …], rest, tiebreak, source }`
export function parseBonusPool(
  ctx: ParseContext,
  value: unknown,
  path: string,
  refs: CardRefs,
): BonusPoolDef | undefined {
  const map = readMapping(ctx, value, path, ['base', 'places', 'rest', 'tiebreak', 'source']);
  if (map === undefined) return undefined;
  const basePath = childPath(path, 'base');
  if (map['base'] === undefined) missing(ctx, path, 'base');
  const baseMap = map['base'] === undefined ? undefined : readMapping(ctx, map['base'], basePath, ['kpi', 'rate']);
  if (baseMap !== undefined && baseMap['kpi'] === undefined) missing(ctx, basePath, 'kpi');
  const kpi =
    baseMap?.['kpi'] === undefined ? undefined : kpiRef(ctx, baseMap['kpi'], childPath(basePath, 'kpi'), refs);
  const rate = baseMap === undefined ? undefined : readNumber(ctx, baseMap, 'rate', basePath, 'positive', true);
  const at = childPath(path, 'places');
  if (map['places'] === undefined) missing(ctx, path, 'places');
  const list = map['places'] === undefined ? undefined : readList(ctx, map['places'], at);
  const places: BonusPlace[] = [];
  let ok = list !== undefined;
  (list ?? []).forEach((item, i) => {
    const p = itemPath(at, i);
    const place = readMapping(ctx, item, p, ['share', 'plus']);
    if (place === undefined) return void (ok = false);
    const share = readShare(ctx, place, 'share', p, true);
    const plus = readNumber(ctx, place, 'plus', p, 'non-negative', false) ?? 0;
    if (share === undefined) return void (ok = false);
    places.push({ share, plus });
  });
  const rest = readShare(ctx, map, 'rest', path, true);
  const tiebreak = readTiebreak(ctx, map, path, refs);
  const source = readString(ctx, map, 'source', path, false) ?? '';
  const total = places.reduce((sum, p) => sum + p.share, rest ?? 0);
  // a trillionth of slack: 0.4 + 0.3 + 0.3 is 1.0000000000000002 in doubles
  if (ok && rest !== undefined && total > 1 + 1e-12) {
    report(ctx, path, `expected the places' shares and rest to add up to at most 1, got ${Number(total.toFixed(12))}`);
    ok = false;
  }
  if (kpi === undefined || rate === undefined || rest === undefined || tiebreak === undefined || !ok) return undefined;
  return { base: { kpi, rate }, places, rest, tiebreak, source };
}

function readStreakTest(
  ctx: ParseContext,
  value: unknown,
  path: string,
  refs: CardRefs,
): StreakOutcomeTest | undefined {
  if (!isMapping(value) || Object.keys(value).length !== 1) {
    expected(ctx, path, STREAK_TEST_HINT, value);
    return undefined;
  }
  const test = readMapping(ctx, value, path, ['totalBelow', 'gradeAtLeast']);
  if (test === undefined) return undefined;
  if (test['gradeAtLeast'] !== undefined) {
    const grade = gradeRef(ctx, test['gradeAtLeast'], childPath(path, 'gradeAtLeast'), refs);
    return grade === undefined ? undefined : { kind: 'grade-at-least', grade };
  }
  const total = readNumber(ctx, test, 'totalBelow', path, 'positive', true);
  return total === undefined ? undefined : { kind: 'total-below', total };
}

// One entry of `streaks:`, its id unique on the card (seen).
export function parseStreakRule(
  ctx: ParseContext,
  value: unknown,
  path: string,
  refs: CardRefs,
  seen: Set<string>,
): StreakRuleDef | undefined {
  const map = readMapping(ctx, value, path, ['id', 'name', 'periods', 'when', 'outcome', 'source']);
  if (map === undefined) return undefined;
  const id = readString(ctx, map, 'id', path, true);
  const name = readLocalized(ctx, map, 'name', path, false) ?? { en: id ?? '', zh: id ?? '' };
  const periods = readNumber(ctx, map, 'periods', path, 'positive integer', true);
  if (map['when'] === undefined)
    report(ctx, childPath(path, 'when'), `missing required key "when" (${STREAK_TEST_HINT})`);
  const when = map['when'] === undefined ? undefined : readStreakTest(ctx, map['when'], childPath(path, 'when'), refs);
  const outcome = readEnum(ctx, map, 'outcome', path, OUTCOMES, true);
  const source = readString(ctx, map, 'source', path, false) ?? '';
  if (id !== undefined && seen.has(id))
    report(ctx, childPath(path, 'id'), `streak rule "${id}" is listed twice in this scorecard`);
  if (id !== undefined) seen.add(id);
  if (id === undefined || periods === undefined || when === undefined || outcome === undefined) return undefined;
  return { id, name, periods, when, outcome, source };
}
