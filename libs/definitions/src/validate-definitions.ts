import { isValidTimeZone } from '#libs/time';
import { assertUnreachable } from './assert-unreachable';
import { contractProblems } from './contract-problems';
import { isCumulative } from './cumulative';
import type { DefinitionIssue, IssueSeverity } from './definition-issue';
import { originOf, rootOf, type DefinitionKind, type DefinitionOrigins } from './definition-origins';
import {
  CALENDAR_WINDOWS,
  isRolling,
  type DefinitionSet,
  type IndicatorDef,
  type KpiDef,
  type Measure,
  type ScorecardDef,
  type ScoringRule,
} from './model';

type Report = (path: string, message: string, severity?: IssueSeverity) => void;

const CURRENCY = /^[A-Z]{3}$/;
// weights are written as decimals (6.5 + 3.5); compare sums with a tolerance
const EPSILON = 1e-9;

// Why the measure cannot be taken over a rolling window, or undefined when it can.
export function rollingObstacle(measure: Measure): string | undefined {
  switch (measure.kind) {
    case 'manual':
      return 'manual indicators take calendar windows only';
    case 'overdue-ratio':
      return 'overdue indicators take calendar windows only';
    case 'lifecycle':
    case 'conversion':
      return undefined; // a pair lands at an instant, like any event
    case 'terms': {
      const terms = measure.denominator === undefined ? [measure.numerator] : [measure.numerator, measure.denominator];
      const dated = terms.find((t) => t.timeField !== 'time');
      return dated === undefined
        ? undefined
        : `a term placed by ${dated.timeField} (not event time) takes calendar windows only`;
    }
    default:
      return assertUnreachable(measure);
  }
}

const DURATION_UNIT_NAMES = { s: 'seconds', min: 'minutes', h: 'hours', d: 'days' } as const;

// The unit a lifecycle or conversion value is in (a share is a ratio), to be matched by the indicator's:
// scorecards read targets and bands in the indicator's unit.
function joinedUnit(measure: Measure): IndicatorDef['unit'] | undefined {
  if (measure.kind === 'conversion') return 'ratio';
  if (measure.kind !== 'lifecycle') return undefined;
  return measure.result.kind === 'within' ? 'ratio' : DURATION_UNIT_NAMES[measure.result.unit];
}

function reporterFor(
  issues: DefinitionIssue[],
  origins: DefinitionOrigins | undefined,
  kind: DefinitionKind,
  index: number,
): Report {
  const origin = originOf(origins, kind, index);
  return (path, message, severity = 'error') =>
    issues.push({ file: origin.file, path: `${origin.path}${path}`, message, severity });
}

// Ids must be unique across the whole set; the message names where the first one was.
function checkUnique<T>(
  items: readonly T[],
  keyOf: (item: T) => string,
  describeKey: (item: T) => string,
  kind: DefinitionKind,
  field: string,
  issues: DefinitionIssue[],
  origins: DefinitionOrigins | undefined,
): void {
  const seen = new Map<string, number>();
  items.forEach((item, i) => {
    const key = keyOf(item);
    const first = seen.get(key);
    if (first === undefined) {
      seen.set(key, i);
      return;
    }
    const where = originOf(origins, kind, first);
    reporterFor(
      issues,
      origins,
      kind,
      i,
    )(`.${field}`, `${describeKey(item)} is defined twice: also in ${where.file} at ${where.path}`);
  });
}

function checkOrgs(set: DefinitionSet, issues: DefinitionIssue[], origins: DefinitionOrigins | undefined): void {
  checkUnique(
    set.orgs,
    (o) => o.id,
    (o) => `org "${o.id}"`,
    'orgs',
    'id',
    issues,
    origins,
  );
  set.orgs.forEach((org, i) => {
    const report = reporterFor(issues, origins, 'orgs', i);
    if (!isValidTimeZone(org.timeZone))
      report('.timeZone', `expected an IANA time zone such as Asia/Shanghai, got "${org.timeZone}"`);
    if (!CURRENCY.test(org.currency))
      report('.currency', `expected an ISO 4217 code of 3 upper-case letters, got "${org.currency}"`);
    for (const [code, rate] of Object.entries(org.exchangeRates)) {
      if (!CURRENCY.test(code))
        report(`.exchangeRates.${code}`, `expected an ISO 4217 code of 3 upper-case letters, got "${code}"`);
      else if (code === org.currency)
        report(`.exchangeRates.${code}`, `a rate for the reporting currency itself`, 'warning');
      if (!(rate > 0)) report(`.exchangeRates.${code}`, `expected a positive rate, got ${rate}`);
    }
  });
  const defaults = set.orgs.filter((o) => o.id === '*').length;
  if (defaults === 0) {
    issues.push({
      file: set.orgs.length > 0 ? originOf(origins, 'orgs', 0).file : rootOf(origins),
      path: 'orgs',
      message: 'no default org "*": events of orgs not listed are rejected',
      severity: 'warning',
    });
  }
}

function checkIndicators(set: DefinitionSet, issues: DefinitionIssue[], origins: DefinitionOrigins | undefined): void {
  checkUnique(
    set.indicators,
    (d) => d.id,
    (d) => `indicator "${d.id}"`,
    'indicators',
    'id',
    issues,
    origins,
  );
  set.indicators.forEach((indicator, i) => {
    const report = reporterFor(issues, origins, 'indicators', i);
    if (indicator.windows.length === 0) report('.windows', 'expected at least one window');
    if (indicator.levels.length === 0) report('.levels', 'expected at least one level');
    if (!(indicator.allowedLatenessMs >= 0)) report('.allowedLateness', 'expected a non-negative duration');
    const obstacle = rollingObstacle(indicator.measure);
    if (obstacle !== undefined) {
      indicator.windows.forEach((window, w) => {
        if (isRolling(window)) report(`.windows[${w}]`, `${window} is not allowed: ${obstacle}`);
      });
    }
    for (const problem of contractProblems(indicator.measure)) report(problem.path, problem.message);
    const unit = joinedUnit(indicator.measure);
    if (unit !== undefined && indicator.unit !== unit) {
      report('.unit', `expected ${unit}: the value of this ${indicator.measure.kind} is in ${unit}`, 'warning');
    }
    if (indicator.measure.kind === 'terms' && !(indicator.measure.scale > 0)) {
      report('.scale', `expected a positive number, got ${indicator.measure.scale}`);
    }
  });
}

function checkRule(rule: ScoringRule, report: Report): void {
  switch (rule.kind) {
    case 'achievement':
      if (!(rule.floor <= 1 && rule.cap >= 1)) {
        report('.rule.achievement', `expected floor ≤ 1 ≤ cap, got floor ${rule.floor} and cap ${rule.cap}`);
      }
      return;
    case 'bands': {
      if (rule.bands.length === 0) {
        report('.rule.bands', 'expected at least one band');
        return;
      }
      const last = rule.bands[rule.bands.length - 1];
      const catchAll = last !== undefined && [last.gt, last.gte, last.lt, last.lte].every((b) => b === undefined);
      if (!catchAll) {
        report(
          '.rule.bands',
          'the last band has bounds: an actual outside every band gets no score; end with a band like { score: 0 }',
          'warning',
        );
      }
      return;
    }
    case 'linear':
      if (!(rule.step > 0)) report('.rule.linear.step', `expected a positive number, got ${rule.step}`);
      if (!(rule.min <= rule.max))
        report('.rule.linear', `expected min ≤ max, got min ${rule.min} and max ${rule.max}`);
      return;
    case 'deduction':
      if (!(rule.min <= rule.start))
        report('.rule.deduction', `expected min ≤ start, got min ${rule.min} and start ${rule.start}`);
      return;
    case 'binary':
      return;
    default:
      assertUnreachable(rule);
  }
}

function checkKpi(
  kpi: KpiDef,
  scorecard: ScorecardDef,
  indicators: ReadonlyMap<string, IndicatorDef>,
  report: Report,
): void {
  const indicator = indicators.get(kpi.indicator);
  if (indicator === undefined) {
    report('.indicator', `no indicator "${kpi.indicator}" is defined`);
  } else {
    if (!indicator.windows.includes(kpi.window)) {
      report(
        '.window',
        `indicator ${indicator.id} is not computed over ${kpi.window}; its windows: ${indicator.windows.join(', ')}`,
      );
    }
    if (!indicator.levels.includes(scorecard.level)) {
      report(
        '.indicator',
        `indicator ${indicator.id} is not computed at the ${scorecard.level} level of this scorecard; its levels: ${indicator.levels.join(', ')}`,
      );
    }
  }
  if (!scorecard.dimensions.some((d) => d.id === kpi.dimension)) {
    report(
      '.dimension',
      `no dimension "${kpi.dimension}" in this scorecard; its dimensions: ${scorecard.dimensions.map((d) => d.id).join(', ')}`,
    );
  }
  if (!(kpi.weight >= 0)) report('.weight', `expected a non-negative number, got ${kpi.weight}`);
  if (kpi.status !== undefined && !(kpi.status.amber <= kpi.status.green)) {
    report('.status', `expected amber ≤ green, got amber ${kpi.status.amber} and green ${kpi.status.green}`);
  }
  if (kpi.beforeClose === 'pace') checkPace(kpi, indicator, report);
  checkRule(kpi.rule, report);
  kpi.redLines.forEach((line, l) => {
    line.effects.forEach((effect, e) => {
      if (effect.kind === 'cap-grade' && !scorecard.grades.some((g) => g.grade === effect.grade)) {
        report(
          `.redLines[${l}].effects[${e}].capGrade`,
          `no grade "${effect.grade}"; the grades: ${scorecard.grades.map((g) => g.grade).join(', ')}`,
        );
      }
    });
  });
}

// A pace rule watches KPIs that have a pace: cumulative indicators (known once every file is read).
// The parser checked the rest of each rule against its card; a dropped rule would shift indexes, so
// this names the rule by id.
function checkAlerts(scorecard: ScorecardDef, indicators: ReadonlyMap<string, IndicatorDef>, report: Report): void {
  for (const rule of scorecard.alerts) {
    if (rule.condition.kind !== 'pace') continue;
    for (const id of rule.kpis ?? []) {
      const indicator = indicators.get(scorecard.kpis.find((k) => k.id === id)?.indicator ?? '');
      if (indicator !== undefined && !isCumulative(indicator))
        report('.alerts', `rule "${rule.id}": a pace rule needs a cumulative KPI; ${id} (${indicator.id}) has no pace`);
    }
  }
}

// Pace pro-rates the target of an indicator that grows through a calendar period, for a rule that
// scores against the target (bands, deductions and binary rules compare the actual with fixed numbers).
function checkPace(kpi: KpiDef, indicator: IndicatorDef | undefined, report: Report): void {
  if (isRolling(kpi.window)) report('.beforeClose', `pace needs a calendar window, got ${kpi.window}`);
  if (indicator !== undefined && !isCumulative(indicator)) {
    report(
      '.beforeClose',
      `pace needs a cumulative indicator (a sum or count without denominator); ${indicator.id} is not`,
    );
  }
  if (kpi.rule.kind !== 'achievement' && kpi.rule.kind !== 'linear') {
    report('.beforeClose', `pace needs a rule scored against the target (achievement or linear), got ${kpi.rule.kind}`);
  }
}

function checkGrades(scorecard: ScorecardDef, report: Report): void {
  const grades = scorecard.grades;
  if (grades.length === 0) {
    report('.grades', 'expected at least one grade');
    return;
  }
  const names = new Set<string>();
  grades.forEach((grade, g) => {
    if (names.has(grade.grade)) report(`.grades[${g}].grade`, `grade "${grade.grade}" is listed twice`);
    names.add(grade.grade);
    const better = grades[g - 1];
    if (better !== undefined && !(grade.min < better.min)) {
      report(
        `.grades[${g}].min`,
        `expected grades best first with strictly decreasing min: ${grade.min} is not below ${better.min} (grade ${better.grade})`,
      );
    }
  });
  const last = grades[grades.length - 1];
  if (last !== undefined && last.min > 0) {
    report(
      `.grades[${grades.length - 1}].min`,
      `expected the last grade's min ≤ 0 so that every total gets a grade, got ${last.min}`,
    );
  }
}

function checkWeights(scorecard: ScorecardDef, report: Report): void {
  const dimensionSum = scorecard.dimensions.reduce((sum, d) => sum + d.weight, 0);
  scorecard.dimensions.forEach((dimension, d) => {
    if (!(dimension.weight > 0))
      report(`.dimensions[${d}].weight`, `expected a positive number, got ${dimension.weight}`);
    const kpis = scorecard.kpis.filter((k) => k.dimension === dimension.id);
    if (kpis.length === 0) {
      report(`.dimensions[${d}]`, `dimension "${dimension.id}" has no KPIs`, 'warning');
      return;
    }
    const kpiSum = kpis.reduce((sum, k) => sum + k.weight, 0);
    // all default weights mean equal shares; a sum equal to the dimension weight is the seeds' style
    const allDefault = kpis.every((k) => k.weight === 1);
    if (!allDefault && Math.abs(kpiSum - dimension.weight) > EPSILON) {
      report(
        `.dimensions[${d}]`,
        `KPI weights in dimension "${dimension.id}" add up to ${round(kpiSum)}, not its weight ${dimension.weight}; they are taken as relative shares`,
        'warning',
      );
    }
  });
  if (scorecard.dimensions.length > 0 && Math.abs(dimensionSum - 100) > EPSILON) {
    report(
      '.dimensions',
      `dimension weights add up to ${round(dimensionSum)}, not 100; they are taken as relative shares`,
      'warning',
    );
  }
}

function round(n: number): number {
  return Math.round(n * 1e6) / 1e6;
}

function checkScorecards(set: DefinitionSet, issues: DefinitionIssue[], origins: DefinitionOrigins | undefined): void {
  checkUnique(
    set.scorecards,
    (s) => `${s.id}\u0000${s.version}`,
    (s) => `scorecard "${s.id}" version ${s.version}`,
    'scorecards',
    'version',
    issues,
    origins,
  );
  checkUnique(
    set.scorecards,
    (s) => `${s.id}\u0000${s.effectiveFrom}`,
    (s) => `scorecard "${s.id}" effective from ${s.effectiveFrom}`,
    'scorecards',
    'effectiveFrom',
    issues,
    origins,
  );
  const indicators = new Map<string, IndicatorDef>();
  for (const indicator of set.indicators) if (!indicators.has(indicator.id)) indicators.set(indicator.id, indicator);
  set.scorecards.forEach((scorecard, s) => {
    const report = reporterFor(issues, origins, 'scorecards', s);
    if (!CALENDAR_WINDOWS.includes(scorecard.period))
      report('.period', `expected a calendar period (${CALENDAR_WINDOWS.join(', ')}), got ${scorecard.period}`);
    if (!(scorecard.status.amber <= scorecard.status.green)) {
      report(
        '.status',
        `expected amber ≤ green, got amber ${scorecard.status.amber} and green ${scorecard.status.green}`,
      );
    }
    const dimensionIds = new Set<string>();
    scorecard.dimensions.forEach((dimension, d) => {
      if (dimensionIds.has(dimension.id)) report(`.dimensions[${d}].id`, `dimension "${dimension.id}" is listed twice`);
      dimensionIds.add(dimension.id);
    });
    if (scorecard.kpis.length === 0) report('.kpis', 'expected at least one KPI');
    const kpiIds = new Set<string>();
    scorecard.kpis.forEach((kpi, k) => {
      const kpiReport: Report = (path, message, severity) => report(`.kpis[${k}]${path}`, message, severity);
      if (kpiIds.has(kpi.id)) kpiReport('.id', `KPI "${kpi.id}" is listed twice in this scorecard`);
      kpiIds.add(kpi.id);
      checkKpi(kpi, scorecard, indicators, kpiReport);
    });
    checkGrades(scorecard, report);
    checkWeights(scorecard, report);
    checkAlerts(scorecard, indicators, report);
  });
}

// Cross-checks over a whole set (after parsing, or on a set built in code). `origins`, parallel to
// the set's lists, lets the issues name files; without it they name `<definitions>` and set indexes.
export function validateDefinitions(set: DefinitionSet, origins?: DefinitionOrigins): DefinitionIssue[] {
  const issues: DefinitionIssue[] = [];
  checkOrgs(set, issues, origins);
  checkIndicators(set, issues, origins);
  checkScorecards(set, issues, origins);
  return issues;
}
