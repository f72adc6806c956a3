import { parseDuration } from './duration';
import {
  ALERT_SEVERITIES,
  isRolling,
  type AlertCondition,
  type AlertRuleDef,
  type KpiDef,
  type Shortfall,
  type StreakTest,
} from './model';
import {
  childPath,
  describe,
  expected,
  isMapping,
  itemPath,
  readEnum,
  readLocalized,
  readMapping,
  readNumber,
  readString,
  readStringList,
  report,
  suggest,
  type Mapping,
  type ParseContext,
} from './parse-context';

const KINDS = ['red-line', 'deviation', 'streak', 'pace'] as const;
const COMMON_KEYS = ['id', 'name', 'kind', 'severity', 'kpis', 'for', 'keepFiringFor', 'labels', 'source'];
const KEYS_OF: Readonly<Record<(typeof KINDS)[number], readonly string[]>> = {
  'red-line': COMMON_KEYS,
  deviation: [...COMMON_KEYS, 'worseBy', 'margin', 'resolveUnder', 'minSample'],
  streak: [...COMMON_KEYS, 'periods', 'when'],
  pace: [...COMMON_KEYS, 'missBy', 'resolveUnder', 'fromElapsed'],
};
const DURATION_HINT = 'a duration such as 0s, 30m or 2h';
const STREAK_HINT = 'target-missed, { scoreBelow: n } or { totalBelow: n }';
// a projection over the first quarter of a period is mostly noise (docs/definitions.md "Alert rules")
const DEFAULT_FROM_ELAPSED = 0.25;

function readDuration(ctx: ParseContext, map: Mapping, key: string, path: string): number {
  const value = map[key];
  if (value === undefined) return 0;
  const ms = typeof value === 'string' ? parseDuration(value) : value === 0 ? 0 : undefined;
  if (ms !== undefined) return ms;
  expected(ctx, childPath(path, key), DURATION_HINT, value);
  return 0;
}

// a share in (0, 1): 0.05 is 5 %
function readShare(ctx: ParseContext, map: Mapping, key: string, path: string, required: boolean): number | undefined {
  const value = readNumber(ctx, map, key, path, 'positive', required);
  if (value === undefined || value < 1) return value;
  expected(ctx, childPath(path, key), 'a share below 1 (0.05 is 5 %)', value);
  return undefined;
}

function readLabels(ctx: ParseContext, map: Mapping, path: string): Record<string, string> {
  const value = map['labels'];
  if (value === undefined) return {};
  const at = childPath(path, 'labels');
  if (!isMapping(value)) {
    expected(ctx, at, 'a mapping of names to strings', value);
    return {};
  }
  const labels: Record<string, string> = {};
  for (const [name, label] of Object.entries(value)) {
    if (typeof label === 'string' || typeof label === 'number') labels[name] = String(label);
    else expected(ctx, childPath(at, name), 'a string', label);
  }
  return labels;
}

// `worseBy: 0.05` (a share of the target) or `margin: 30` (in the KPI's unit); `resolveUnder` in the same
// terms, by default half of it: a value hovering at the line does not flap
function readDeviation(ctx: ParseContext, map: Mapping, path: string): AlertCondition | undefined {
  const hasShare = map['worseBy'] !== undefined;
  if (hasShare === (map['margin'] !== undefined)) {
    report(ctx, path, 'give exactly one of worseBy (a share of the target) or margin (in the KPI’s unit)');
    return undefined;
  }
  const fire = hasShare
    ? readShare(ctx, map, 'worseBy', path, true)
    : readNumber(ctx, map, 'margin', path, 'positive', true);
  const resolve = hasShare
    ? readShare(ctx, map, 'resolveUnder', path, false)
    : readNumber(ctx, map, 'resolveUnder', path, 'non-negative', false);
  const minSample = readNumber(ctx, map, 'minSample', path, 'non-negative', false) ?? 1;
  if (fire === undefined) return undefined;
  if (resolve !== undefined && resolve > fire) {
    report(ctx, childPath(path, 'resolveUnder'), `expected at most the firing threshold ${fire}, got ${resolve}`);
    return undefined;
  }
  const kind: Shortfall['kind'] = hasShare ? 'relative' : 'margin';
  return {
    kind: 'deviation',
    fireAt: { kind, value: fire },
    resolveUnder: { kind, value: resolve ?? fire / 2 },
    minSample,
  };
}

function readStreakTest(ctx: ParseContext, value: unknown, path: string): StreakTest | undefined {
  if (value === 'target-missed') return { kind: 'target-missed' };
  if (!isMapping(value) || Object.keys(value).length !== 1) {
    expected(ctx, path, STREAK_HINT, value);
    return undefined;
  }
  const test = readMapping(ctx, value, path, ['scoreBelow', 'totalBelow']);
  if (test === undefined) return undefined;
  if (test['scoreBelow'] !== undefined) {
    const score = readNumber(ctx, test, 'scoreBelow', path, 'positive', true);
    return score === undefined ? undefined : { kind: 'score-below', score };
  }
  const total = readNumber(ctx, test, 'totalBelow', path, 'positive', true);
  return total === undefined ? undefined : { kind: 'total-below', total };
}

function readCondition(
  ctx: ParseContext,
  kind: (typeof KINDS)[number],
  map: Mapping,
  path: string,
): AlertCondition | undefined {
  switch (kind) {
    case 'red-line':
      return { kind };
    case 'deviation':
      return readDeviation(ctx, map, path);
    case 'streak': {
      const periods = readNumber(ctx, map, 'periods', path, 'positive integer', true);
      if (map['when'] === undefined)
        report(ctx, childPath(path, 'when'), `missing required key "when" (${STREAK_HINT})`);
      const when = map['when'] === undefined ? undefined : readStreakTest(ctx, map['when'], childPath(path, 'when'));
      return periods === undefined || when === undefined ? undefined : { kind, periods, when };
    }
    case 'pace': {
      const missBy = readShare(ctx, map, 'missBy', path, true);
      const resolveUnder = readShare(ctx, map, 'resolveUnder', path, false);
      const fromElapsed = readShare(ctx, map, 'fromElapsed', path, false) ?? DEFAULT_FROM_ELAPSED;
      if (missBy === undefined) return undefined;
      if (resolveUnder !== undefined && resolveUnder > missBy) {
        report(ctx, childPath(path, 'resolveUnder'), `expected at most missBy ${missBy}, got ${resolveUnder}`);
        return undefined;
      }
      return { kind, missBy, resolveUnder: resolveUnder ?? missBy / 2, fromElapsed };
    }
  }
}

// The KPIs a rule names, each on the card (with the closest name when not); a pace rule's over a calendar period.
function checkKpis(
  ctx: ParseContext,
  kpis: readonly string[],
  card: readonly KpiDef[],
  pace: boolean,
  path: string,
): boolean {
  let ok = true;
  kpis.forEach((id, i) => {
    const kpi = card.find((k) => k.id === id);
    if (kpi === undefined) {
      const hint = suggest(
        id,
        card.map((k) => k.id),
      );
      report(
        ctx,
        itemPath(path, i),
        `no KPI "${id}" in this scorecard${hint === undefined ? '' : ` (did you mean "${hint}"?)`}`,
      );
      ok = false;
    } else if (pace && isRolling(kpi.window)) {
      report(ctx, itemPath(path, i), `a pace rule needs a KPI over a calendar period; "${id}" is over ${kpi.window}`);
      ok = false;
    }
  });
  return ok;
}

// One entry of a scorecard's `alerts:`, checked against the card's KPIs and its other rules' ids (seen).
export function parseAlertRule(
  ctx: ParseContext,
  value: unknown,
  path: string,
  card: readonly KpiDef[],
  seen: Set<string>,
): AlertRuleDef | undefined {
  if (!isMapping(value)) {
    expected(ctx, path, 'a mapping', value);
    return undefined;
  }
  const kind = readEnum(ctx, value, 'kind', path, KINDS, true);
  const map = readMapping(
    ctx,
    value,
    path,
    kind === undefined ? [...new Set(Object.values(KEYS_OF).flat())] : KEYS_OF[kind],
  );
  if (map === undefined || kind === undefined) return undefined;
  const id = readString(ctx, map, 'id', path, true);
  const name = readLocalized(ctx, map, 'name', path, false) ?? { en: id ?? '', zh: id ?? '' };
  const severity = readEnum(ctx, map, 'severity', path, ALERT_SEVERITIES, false) ?? 'warning';
  const kpis = map['kpis'] === undefined ? null : readStringList(ctx, map['kpis'], childPath(path, 'kpis'));
  const forMs = readDuration(ctx, map, 'for', path);
  const keepFiringForMs = readDuration(ctx, map, 'keepFiringFor', path);
  const labels = readLabels(ctx, map, path);
  const source = readString(ctx, map, 'source', path, false) ?? '';
  const condition = readCondition(ctx, kind, map, path);
  if (condition?.kind === 'streak' && condition.when.kind === 'total-below' && kpis !== null) {
    report(
      ctx,
      childPath(path, 'kpis'),
      `a totalBelow streak watches the card's total: it names no KPIs, got ${describe(map['kpis'])}`,
    );
    return undefined;
  }
  if (id !== undefined && seen.has(id))
    report(ctx, childPath(path, 'id'), `alert rule "${id}" is listed twice in this scorecard`);
  if (id !== undefined) seen.add(id);
  const known =
    kpis === null ||
    kpis === undefined ||
    checkKpis(ctx, kpis, card, condition?.kind === 'pace', childPath(path, 'kpis'));
  if (id === undefined || condition === undefined || kpis === undefined || !known) return undefined;
  return { id, name, severity, kpis, condition, forMs, keepFiringForMs, labels, source };
}
