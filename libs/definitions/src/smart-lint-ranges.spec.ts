import { describe, expect, it } from 'vitest';
import type { DefinitionSet, IndicatorDef, KpiDef, Measure, ScorecardDef, Term } from './model';
import { parseDefinitionDocument } from './parse-document';
import { sampleDocument } from './sample-definitions.fixture';
import { lintSmart } from './smart-lint';

// The SMART lint over each kind of measure, at the bounds of the ranges it knows.
function sampleSet(): DefinitionSet {
  return parseDefinitionDocument(sampleDocument(), 'seed/cs.yaml').definitions;
}

function lint(
  indicator: Partial<IndicatorDef>,
  kpi: Partial<KpiDef> = {},
  scorecard: Partial<ScorecardDef> = {},
): string[] {
  const set = sampleSet();
  const changed: DefinitionSet = {
    ...set,
    indicators: set.indicators.map((d, i) => (i === 0 ? { ...d, ...indicator } : d)),
    scorecards: set.scorecards.map((s) => ({
      ...s,
      ...scorecard,
      kpis: s.kpis.map((k, i) => (i === 0 ? { ...k, ...kpi } : k)),
    })),
  };
  return lintSmart(changed).map((i) => `${i.path}: ${i.message}`);
}

const term = (...types: string[]): Term => ({ types, where: [], timeField: 'time', aggregation: { kind: 'count' } });
const BANDS: KpiDef['rule'] = { kind: 'bands', bands: [{ score: 100 }], outOf: 100 };
const FCR = 'scorecards[0].kpis[0]: kpi "fcr"';

function lifecycle(result: Extract<Measure, { kind: 'lifecycle' }>['result'], from = term('a')): Measure {
  return { kind: 'lifecycle', key: 'data.id', from, to: term('b'), pick: 'first', result, horizonMs: 1 };
}

describe('the range of an indicator', () => {
  it('is its manual scale', () => {
    const manual: Partial<IndicatorDef> = { measure: { kind: 'manual', scale: [0, 100] } };
    expect(lint(manual, { target: 100 })).toEqual([]);
    expect(lint(manual, { target: 120 })).toEqual([
      `${FCR} has no Achievable target: target 120 is outside the range of indicator support.fcr (0–100, its manual scale)`,
    ]);
    expect(lint({ measure: { kind: 'manual', scale: [60, 100] } }, { target: 50 })).toEqual([
      `${FCR} has no Achievable target: target 50 is outside the range of indicator support.fcr (60–100, its manual scale)`,
    ]);
  });

  it('is a ratio times its scale for a ratio with a denominator', () => {
    const percent: Partial<IndicatorDef> = {
      measure: { kind: 'terms', numerator: term('a'), denominator: term('b'), scale: 100 },
    };
    expect(lint(percent, { target: 100 })).toEqual([]);
    expect(lint(percent, { target: 101 })).toEqual([
      `${FCR} has no Achievable target: target 101 is outside the range of indicator support.fcr (0–100, a ratio × 100)`,
    ]);
  });

  it('is never negative for a count, or for a ratio unit without a denominator', () => {
    const count: Partial<IndicatorDef> = { unit: 'count', measure: { kind: 'terms', numerator: term('a'), scale: 1 } };
    expect(lint(count, { target: 1e9, rule: BANDS })).toEqual([]);
    expect(lint(count, { target: -1, rule: BANDS })).toEqual([
      `${FCR} has no Achievable target: target -1 is outside the range of indicator support.fcr (≥ 0, never negative)`,
    ]);
    const ratioWithout: Partial<IndicatorDef> = { measure: { kind: 'terms', numerator: term('a'), scale: 1 } };
    expect(lint(ratioWithout, { target: 5 })).toEqual([]);
  });

  it('is a ratio for overdue shares, conversions and lifecycle shares within a time', () => {
    for (const measure of [
      { kind: 'overdue-ratio', afterDays: 30 },
      { kind: 'conversion', key: 'data.id', from: term('a'), to: term('b'), withinMs: 1 },
      lifecycle({ kind: 'within', withinMs: 1 }),
    ] as Measure[]) {
      expect(lint({ measure }, { target: 1 })).toEqual([]);
      expect(lint({ measure }, { target: 1.5 })).toEqual([
        `${FCR} has no Achievable target: target 1.5 is outside the range of indicator support.fcr (0–1, a ratio)`,
      ]);
    }
  });

  it('is never negative for a lifecycle average', () => {
    expect(lint({ measure: lifecycle({ kind: 'average', unit: 's' }) }, { target: 3600 })).toEqual([]);
  });

  it('gives both reasons for a negative target scored by achievement', () => {
    expect(lint({ measure: { kind: 'terms', numerator: term('a'), scale: 1 } }, { target: -1 })).toEqual([
      `${FCR} has no Achievable target: target -1 is outside the range of indicator support.fcr (≥ 0, never negative); an achievement ratio needs a positive target, got -1`,
    ]);
  });

  it('takes 0 as a target outside achievement rules', () => {
    expect(lint({}, { target: 0, rule: BANDS })).toEqual([]);
  });
});

describe('measurable', () => {
  it('needs event types at both ends of a joined measure', () => {
    expect(lint({ measure: lifecycle({ kind: 'average', unit: 's' }, term()) }, { target: 1 })).toEqual([
      `${FCR} is not Measurable: indicator support.fcr joins no event type`,
    ]);
  });

  it('needs a denominator of some event type', () => {
    expect(
      lint({ measure: { kind: 'terms', numerator: term('a'), denominator: term(), scale: 1 } }, { target: 0.5 }),
    ).toEqual([`${FCR} is not Measurable: indicator support.fcr is computed from no event type`]);
  });

  it('needs an overdue threshold of 0 days or more', () => {
    expect(lint({ measure: { kind: 'overdue-ratio', afterDays: 0 } }, { target: 0.5 })).toEqual([]);
    expect(lint({ measure: { kind: 'overdue-ratio', afterDays: -1 } }, { target: 0.5 })).toEqual([
      `${FCR} is not Measurable: indicator support.fcr has no overdue threshold in days`,
    ]);
    expect(lint({ measure: { kind: 'overdue-ratio', afterDays: Number.NaN } }, { target: 0.5 })).toEqual([
      `${FCR} is not Measurable: indicator support.fcr has no overdue threshold in days`,
    ]);
  });

  it('needs a manual scale from lower to higher, both finite', () => {
    expect(lint({ measure: { kind: 'manual', scale: [0, Number.POSITIVE_INFINITY] } }, { target: 1 })).toEqual([
      `${FCR} is not Measurable: manual indicator support.fcr has no score scale (got [0, Infinity])`,
    ]);
    expect(lint({ measure: { kind: 'manual', scale: [Number.NaN, 1] } }, { target: 1 })).toEqual([
      `${FCR} is not Measurable: manual indicator support.fcr has no score scale (got [NaN, 1])`,
    ]);
  });

  it('names a missing English name', () => {
    expect(lint({ name: { en: ' ', zh: '一次解决率' } })).toEqual([
      `${FCR} is not Specific: indicator support.fcr has no English name`,
    ]);
  });
});

describe('relevant and time-bound', () => {
  it('flags a negative KPI weight', () => {
    expect(lint({}, { weight: -1 })).toEqual([`${FCR} has no Relevant dimension: its weight -1 is negative`]);
  });

  it('flags a card without a calendar period, for each KPI', () => {
    expect(lint({}, {}, { period: 'rolling:7d' as ScorecardDef['period'] })).toEqual([
      `${FCR} is not Time-bound: scorecard cs-supervisor-monthly has no calendar period (got rolling:7d)`,
      'scorecards[0].kpis[1]: kpi "complaints" is not Time-bound: scorecard cs-supervisor-monthly has no calendar period (got rolling:7d)',
    ]);
  });

  it('checks only the dimension and the period of a KPI whose indicator is missing', () => {
    expect(lint({}, { indicator: 'x.y', target: Number.NaN, window: 'quarter' })).toEqual([]);
    expect(lint({}, { indicator: 'x.y', dimension: 'speed' })).toEqual([
      `${FCR} has no Relevant dimension: it sits in no dimension of scorecard cs-supervisor-monthly ("speed")`,
    ]);
  });

  it('reads an indicator defined twice as its first definition, and names files by origin', () => {
    const set = sampleSet();
    const fcr = set.indicators[0];
    if (fcr === undefined) throw new Error('the sample has indicators');
    const twice: DefinitionSet = { ...set, indicators: [fcr, { ...fcr, description: '' }, ...set.indicators.slice(1)] };
    expect(lintSmart(twice)).toEqual([]);
    const issues = lintSmart(
      { ...set, indicators: [{ ...fcr, description: '' }, ...set.indicators.slice(1)] },
      { orgs: [], indicators: [], scorecards: [{ file: 'cards/cs.yaml', path: 'scorecards[3]' }] },
    );
    expect(issues).toEqual([
      {
        file: 'cards/cs.yaml',
        path: 'scorecards[3].kpis[0]',
        message: 'kpi "fcr" is not Specific: indicator support.fcr has no description',
        severity: 'warning',
      },
    ]);
  });
});
