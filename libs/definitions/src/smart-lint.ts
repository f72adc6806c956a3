import { assertUnreachable } from './assert-unreachable';
import type { DefinitionIssue } from './definition-issue';
import { originOf, type DefinitionOrigins } from './definition-origins';
import { CALENDAR_WINDOWS, type DefinitionSet, type IndicatorDef, type KpiDef, type ScorecardDef } from './model';

export type SmartProperty = 'Specific' | 'Measurable' | 'Achievable target' | 'Relevant dimension' | 'Time-bound';

const FAILS: Readonly<Record<SmartProperty, string>> = {
  Specific: 'is not Specific',
  Measurable: 'is not Measurable',
  'Achievable target': 'has no Achievable target',
  'Relevant dimension': 'has no Relevant dimension',
  'Time-bound': 'is not Time-bound',
};

interface Range {
  low: number;
  high: number;
  what: string;
}

// The values the indicator can take, as far as its definition tells.
function rangeOf(indicator: IndicatorDef): Range {
  const measure = indicator.measure;
  switch (measure.kind) {
    case 'manual':
      return { low: measure.scale[0], high: measure.scale[1], what: 'its manual scale' };
    case 'overdue-ratio':
    case 'conversion':
      return { low: 0, high: 1, what: 'a ratio' };
    case 'lifecycle':
      return measure.result.kind === 'within'
        ? { low: 0, high: 1, what: 'a ratio' }
        : { low: 0, high: Number.POSITIVE_INFINITY, what: 'never negative' };
    case 'terms':
      return indicator.unit === 'ratio' && measure.denominator !== undefined
        ? { low: 0, high: measure.scale, what: measure.scale === 1 ? 'a ratio' : `a ratio × ${measure.scale}` }
        : { low: 0, high: Number.POSITIVE_INFINITY, what: 'never negative' };
    default:
      return assertUnreachable(measure);
  }
}

function specific(indicator: IndicatorDef): string[] {
  const reasons: string[] = [];
  if (indicator.name.en.trim() === '') reasons.push(`indicator ${indicator.id} has no English name`);
  if (indicator.name.zh.trim() === '') reasons.push(`indicator ${indicator.id} has no Chinese name`);
  if (indicator.description.trim() === '') reasons.push(`indicator ${indicator.id} has no description`);
  return reasons;
}

function measurable(indicator: IndicatorDef): string[] {
  const measure = indicator.measure;
  switch (measure.kind) {
    case 'terms': {
      const terms = measure.denominator === undefined ? [measure.numerator] : [measure.numerator, measure.denominator];
      return terms.some((t) => t.types.length === 0)
        ? [`indicator ${indicator.id} is computed from no event type`]
        : [];
    }
    case 'lifecycle':
    case 'conversion':
      return measure.from.types.length === 0 || measure.to.types.length === 0
        ? [`indicator ${indicator.id} joins no event type`]
        : [];
    case 'overdue-ratio':
      return Number.isFinite(measure.afterDays) && measure.afterDays >= 0
        ? []
        : [`indicator ${indicator.id} has no overdue threshold in days`];
    case 'manual': {
      const [low, high] = measure.scale;
      return Number.isFinite(low) && Number.isFinite(high) && low < high
        ? []
        : [`manual indicator ${indicator.id} has no score scale (got [${low}, ${high}])`];
    }
    default:
      return assertUnreachable(measure);
  }
}

function achievable(kpi: KpiDef, indicator: IndicatorDef): string[] {
  if (!Number.isFinite(kpi.target)) return ['no target is set'];
  const reasons: string[] = [];
  const range = rangeOf(indicator);
  if (kpi.target < range.low || kpi.target > range.high) {
    const bounds = range.high === Number.POSITIVE_INFINITY ? `≥ ${range.low}` : `${range.low}–${range.high}`;
    reasons.push(`target ${kpi.target} is outside the range of indicator ${indicator.id} (${bounds}, ${range.what})`);
  }
  if (kpi.rule.kind === 'achievement' && kpi.target <= 0) {
    reasons.push(`an achievement ratio needs a positive target, got ${kpi.target}`);
  }
  return reasons;
}

function relevant(kpi: KpiDef, scorecard: ScorecardDef): string[] {
  const dimension = scorecard.dimensions.find((d) => d.id === kpi.dimension);
  if (dimension === undefined) return [`it sits in no dimension of scorecard ${scorecard.id} ("${kpi.dimension}")`];
  const reasons: string[] = [];
  if (!(dimension.weight > 0)) reasons.push(`its dimension "${dimension.id}" has no positive weight`);
  // weight 0 is a deliberate choice (shown, outside the graded total), not a lapse
  if (!(kpi.weight >= 0)) reasons.push(`its weight ${kpi.weight} is negative`);
  return reasons;
}

function timeBound(kpi: KpiDef, scorecard: ScorecardDef, indicator: IndicatorDef | undefined): string[] {
  const reasons: string[] = [];
  if (!CALENDAR_WINDOWS.includes(scorecard.period)) {
    reasons.push(`scorecard ${scorecard.id} has no calendar period (got ${scorecard.period})`);
  }
  if (indicator !== undefined && !indicator.windows.includes(kpi.window)) {
    reasons.push(`indicator ${indicator.id} does not compute its window ${kpi.window}`);
  }
  return reasons;
}

// The SMART checks of one KPI (docs/definitions.md): property → why it fails; empty when it passes.
// Checks that need the indicator are skipped when it is missing (validateDefinitions says so).
export function smartFindings(
  kpi: KpiDef,
  scorecard: ScorecardDef,
  indicator: IndicatorDef | undefined,
): { property: SmartProperty; reasons: string[] }[] {
  const findings: { property: SmartProperty; reasons: string[] }[] = [
    { property: 'Specific', reasons: indicator === undefined ? [] : specific(indicator) },
    { property: 'Measurable', reasons: indicator === undefined ? [] : measurable(indicator) },
    { property: 'Achievable target', reasons: indicator === undefined ? [] : achievable(kpi, indicator) },
    { property: 'Relevant dimension', reasons: relevant(kpi, scorecard) },
    { property: 'Time-bound', reasons: timeBound(kpi, scorecard, indicator) },
  ];
  return findings.filter((f) => f.reasons.length > 0);
}

// Warnings, one per KPI and failed property: `kpi "fcr" is not Specific: indicator support.fcr has no description`.
export function lintSmart(set: DefinitionSet, origins?: DefinitionOrigins): DefinitionIssue[] {
  const indicators = new Map<string, IndicatorDef>();
  for (const indicator of set.indicators) if (!indicators.has(indicator.id)) indicators.set(indicator.id, indicator);
  const issues: DefinitionIssue[] = [];
  set.scorecards.forEach((scorecard, s) => {
    const origin = originOf(origins, 'scorecards', s);
    scorecard.kpis.forEach((kpi, k) => {
      for (const finding of smartFindings(kpi, scorecard, indicators.get(kpi.indicator))) {
        issues.push({
          file: origin.file,
          path: `${origin.path}.kpis[${k}]`,
          message: `kpi "${kpi.id}" ${FAILS[finding.property]}: ${finding.reasons.join('; ')}`,
          severity: 'warning',
        });
      }
    });
  });
  return issues;
}
