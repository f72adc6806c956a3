import { describe, expect, it } from 'vitest';
import type { DefinitionSet, IndicatorDef, KpiDef, ScorecardDef } from './model';
import { parseDefinitionDocument } from './parse-document';
import { sampleDocument } from './sample-definitions.fixture';
import { lintSmart } from './smart-lint';

function sampleSet(): DefinitionSet {
  return parseDefinitionDocument(sampleDocument(), 'seed/cs.yaml').definitions;
}

function change(
  indicator: (d: IndicatorDef) => IndicatorDef,
  kpi: (k: KpiDef) => KpiDef = (k) => k,
  scorecard: (s: ScorecardDef) => ScorecardDef = (s) => s,
): DefinitionSet {
  const set = sampleSet();
  return {
    ...set,
    indicators: set.indicators.map((d, i) => (i === 0 ? indicator(d) : d)),
    scorecards: set.scorecards.map((s) => scorecard({ ...s, kpis: s.kpis.map((k, i) => (i === 0 ? kpi(k) : k)) })),
  };
}

const same = <T>(x: T): T => x;

function messages(set: DefinitionSet): string[] {
  return lintSmart(set).map((i) => `${i.severity} ${i.path}: ${i.message}`);
}

describe('lintSmart', () => {
  it('passes a KPI with every SMART property', () => {
    expect(lintSmart(sampleSet())).toEqual([]);
  });

  it('flags a KPI that is not Specific', () => {
    expect(messages(change((d) => ({ ...d, description: '' })))).toEqual([
      'warning scorecards[0].kpis[0]: kpi "fcr" is not Specific: indicator support.fcr has no description',
    ]);
    expect(messages(change((d) => ({ ...d, name: { en: 'FCR', zh: '' } })))).toEqual([
      'warning scorecards[0].kpis[0]: kpi "fcr" is not Specific: indicator support.fcr has no Chinese name',
    ]);
  });

  it('flags a KPI that is not Measurable', () => {
    expect(messages(change((d) => ({ ...d, measure: { kind: 'manual', scale: [0, 0] } })))).toContain(
      'warning scorecards[0].kpis[0]: kpi "fcr" is not Measurable: manual indicator support.fcr has no score scale (got [0, 0])',
    );
    const noEvents = change((d) =>
      d.measure.kind === 'terms'
        ? { ...d, measure: { ...d.measure, numerator: { ...d.measure.numerator, types: [] } } }
        : d,
    );
    expect(messages(noEvents)).toEqual([
      'warning scorecards[0].kpis[0]: kpi "fcr" is not Measurable: indicator support.fcr is computed from no event type',
    ]);
  });

  it('flags a KPI without an achievable target', () => {
    expect(messages(change(same, (k) => ({ ...k, target: 75 })))).toEqual([
      'warning scorecards[0].kpis[0]: kpi "fcr" has no Achievable target: target 75 is outside the range of indicator support.fcr (0–1, a ratio)',
    ]);
    expect(messages(change(same, (k) => ({ ...k, target: Number.NaN })))).toEqual([
      'warning scorecards[0].kpis[0]: kpi "fcr" has no Achievable target: no target is set',
    ]);
    expect(messages(change(same, (k) => ({ ...k, target: 0 })))).toEqual([
      'warning scorecards[0].kpis[0]: kpi "fcr" has no Achievable target: an achievement ratio needs a positive target, got 0',
    ]);
  });

  it('takes the scale of a percentage into the range', () => {
    const percent = change(
      (d) => (d.measure.kind === 'terms' ? { ...d, measure: { ...d.measure, scale: 100 } } : d),
      (k) => ({ ...k, target: 75 }),
    );
    expect(lintSmart(percent)).toEqual([]);
  });

  it('flags a KPI without a relevant dimension', () => {
    expect(messages(change(same, (k) => ({ ...k, dimension: 'speed' })))).toEqual([
      'warning scorecards[0].kpis[0]: kpi "fcr" has no Relevant dimension: it sits in no dimension of scorecard cs-supervisor-monthly ("speed")',
    ]);
    const weightless = change(same, same, (s) => ({
      ...s,
      dimensions: s.dimensions.map((d) => ({ ...d, weight: d.id === 'efficiency' ? 0 : d.weight })),
    }));
    expect(messages(weightless)).toEqual([
      'warning scorecards[0].kpis[0]: kpi "fcr" has no Relevant dimension: its dimension "efficiency" has no positive weight',
    ]);
    // weight 0 is a KPI shown outside the graded total on purpose
    expect(messages(change(same, (k) => ({ ...k, weight: 0 })))).toEqual([]);
  });

  it('flags a KPI that is not Time-bound', () => {
    expect(messages(change(same, (k) => ({ ...k, window: 'quarter' })))).toEqual([
      'warning scorecards[0].kpis[0]: kpi "fcr" is not Time-bound: indicator support.fcr does not compute its window quarter',
    ]);
  });
});
