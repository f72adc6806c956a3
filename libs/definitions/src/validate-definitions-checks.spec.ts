import { describe, expect, it } from 'vitest';
import type { DefinitionSet, IndicatorDef, KpiDef, OrgSettings, ScorecardDef } from './model';
import { parseDefinitionDocument } from './parse-document';
import { sampleDocument } from './sample-definitions.fixture';
import { validateDefinitions } from './validate-definitions';

// Each cross-check at its bound, with the whole list of issues: one mistake, exactly its issues.
function sampleSet(): DefinitionSet {
  const parsed = parseDefinitionDocument(sampleDocument(), 'seed/cs.yaml');
  expect(parsed.errors).toEqual([]);
  return parsed.definitions;
}

function first<T>(items: readonly T[]): T {
  const [item] = items;
  if (item === undefined) throw new Error('expected an item');
  return item;
}

function withOrg(fields: Partial<OrgSettings>): DefinitionSet {
  const set = sampleSet();
  return { ...set, orgs: [{ ...first(set.orgs), ...fields }] };
}

function withIndicator(change: (d: IndicatorDef) => IndicatorDef): DefinitionSet {
  const set = sampleSet();
  return { ...set, indicators: set.indicators.map((d, i) => (i === 0 ? change(d) : d)) };
}

function withScorecard(change: (s: ScorecardDef) => ScorecardDef): DefinitionSet {
  const set = sampleSet();
  return { ...set, scorecards: set.scorecards.map(change) };
}

function withKpi(fields: Partial<KpiDef>): DefinitionSet {
  return withScorecard((s) => ({ ...s, kpis: s.kpis.map((k, i) => (i === 0 ? { ...k, ...fields } : k)) }));
}

function messages(set: DefinitionSet): string[] {
  return validateDefinitions(set).map((i) => `${i.severity} ${i.file} ${i.path}: ${i.message}`);
}

const CARD = '<definitions> scorecards[0]';
const KPI = `${CARD}.kpis[0]`;

describe('orgs', () => {
  it('checks each exchange rate: its code, a rate for the currency itself, a positive rate', () => {
    expect(messages(withOrg({ exchangeRates: { usd: 7, CNY: 1, EUR: 0, GBP: Number.NaN, USD: 7.1 } }))).toEqual([
      'error <definitions> orgs[0].exchangeRates.usd: expected an ISO 4217 code of 3 upper-case letters, got "usd"',
      'warning <definitions> orgs[0].exchangeRates.CNY: a rate for the reporting currency itself',
      'error <definitions> orgs[0].exchangeRates.EUR: expected a positive rate, got 0',
      'error <definitions> orgs[0].exchangeRates.GBP: expected a positive rate, got NaN',
    ]);
  });

  it('warns when no org is the default, and names a second default', () => {
    expect(messages({ ...sampleSet(), orgs: [] })).toEqual([
      'warning <definitions> orgs: no default org "*": events of orgs not listed are rejected',
    ]);
    const org = first(sampleSet().orgs);
    expect(messages({ ...sampleSet(), orgs: [org, org] })).toEqual([
      'error <definitions> orgs[1].id: org "*" is defined twice: also in <definitions> at orgs[0]',
    ]);
  });
});

describe('indicators', () => {
  it('needs a window, a level and a lateness of at least 0', () => {
    expect(messages(withIndicator((d) => ({ ...d, allowedLatenessMs: 0 })))).toEqual([]);
    expect(messages(withIndicator((d) => ({ ...d, windows: [], levels: [], allowedLatenessMs: -1 })))).toEqual([
      'error <definitions> indicators[0].windows: expected at least one window',
      'error <definitions> indicators[0].levels: expected at least one level',
      'error <definitions> indicators[0].allowedLateness: expected a non-negative duration',
      `error ${KPI}.window: indicator support.fcr is not computed over month; its windows: `,
      `error ${KPI}.indicator: indicator support.fcr is not computed at the team level of this scorecard; its levels: `,
    ]);
  });

  it('needs a positive scale', () => {
    expect(
      messages(withIndicator((d) => (d.measure.kind === 'terms' ? { ...d, measure: { ...d.measure, scale: 0 } } : d))),
    ).toEqual(['error <definitions> indicators[0].scale: expected a positive number, got 0']);
  });

  it('checks KPIs against the first definition of an id defined twice', () => {
    const set = sampleSet();
    const fcr = first(set.indicators);
    expect(messages({ ...set, indicators: [fcr, { ...fcr, windows: ['week'] }] })).toEqual([
      'error <definitions> indicators[1].id: indicator "support.fcr" is defined twice: also in <definitions> at indicators[0]',
      `error ${CARD}.kpis[1].indicator: no indicator "support.complaints" is defined`,
    ]);
  });
});

describe('scoring rules', () => {
  it('takes floor and cap at 1 itself', () => {
    expect(messages(withKpi({ rule: { kind: 'achievement', floor: 1, cap: 1, belowFloorScore: 0 } }))).toEqual([]);
  });

  it('needs a linear step above 0 and min ≤ max, equal allowed', () => {
    const linear = { kind: 'linear', step: 1, pointsPerStep: 1, base: 100, outOf: 100 } as const;
    expect(messages(withKpi({ rule: { ...linear, min: 5, max: 5 } }))).toEqual([]);
    expect(messages(withKpi({ rule: { ...linear, step: 0, min: 10, max: 5 } }))).toEqual([
      `error ${KPI}.rule.linear.step: expected a positive number, got 0`,
      `error ${KPI}.rule.linear: expected min ≤ max, got min 10 and max 5`,
    ]);
  });

  it('needs a deduction min ≤ start, equal allowed', () => {
    const deduction = { kind: 'deduction', free: 0, perOccurrence: 1, start: 5, outOf: 100 } as const;
    expect(messages(withKpi({ rule: { ...deduction, min: 5 } }))).toEqual([]);
    expect(messages(withKpi({ rule: { ...deduction, min: 6 } }))).toEqual([
      `error ${KPI}.rule.deduction: expected min ≤ start, got min 6 and start 5`,
    ]);
  });
});

describe('scorecards', () => {
  it('needs a calendar period', () => {
    expect(messages(withScorecard((s) => ({ ...s, period: 'rolling:7d' as ScorecardDef['period'] })))).toEqual([
      `error ${CARD}.period: expected a calendar period (day, week, month, quarter, year), got rolling:7d`,
    ]);
  });

  it('needs amber ≤ green, equal allowed, on the card and on a KPI', () => {
    expect(messages(withScorecard((s) => ({ ...s, status: { green: 80, amber: 80 } })))).toEqual([]);
    expect(messages(withKpi({ status: { green: 80, amber: 80 } }))).toEqual([]);
    expect(messages(withScorecard((s) => ({ ...s, status: { green: 80, amber: 90 } })))).toEqual([
      `error ${CARD}.status: expected amber ≤ green, got amber 90 and green 80`,
    ]);
  });

  it('names a dimension, a KPI and a grade listed twice', () => {
    expect(messages(withScorecard((s) => ({ ...s, dimensions: [...s.dimensions, first(s.dimensions)] })))).toEqual([
      `error ${CARD}.dimensions[2].id: dimension "efficiency" is listed twice`,
      `warning ${CARD}.dimensions: dimension weights add up to 160, not 100; they are taken as relative shares`,
    ]);
    expect(messages(withScorecard((s) => ({ ...s, kpis: [...s.kpis, first(s.kpis)] })))).toEqual([
      `error ${CARD}.kpis[2].id: KPI "fcr" is listed twice in this scorecard`,
    ]);
    expect(
      messages(
        withScorecard((s) => ({
          ...s,
          grades: [
            { grade: 'A', min: 90 },
            { grade: 'A', min: 90 },
            { grade: 'C', min: 0 },
          ],
        })),
      ),
    ).toEqual([
      `error ${CARD}.grades[1].grade: grade "A" is listed twice`,
      `error ${CARD}.grades[1].min: expected grades best first with strictly decreasing min: 90 is not below 90 (grade A)`,
    ]);
  });

  it('needs a KPI, and warns of a dimension without one', () => {
    expect(messages(withScorecard((s) => ({ ...s, kpis: [] })))).toEqual([
      `error ${CARD}.kpis: expected at least one KPI`,
      `warning ${CARD}.dimensions[0]: dimension "efficiency" has no KPIs`,
      `warning ${CARD}.dimensions[1]: dimension "quality" has no KPIs`,
    ]);
    expect(messages(withScorecard((s) => ({ ...s, dimensions: [], kpis: [] })))).toEqual([
      `error ${CARD}.kpis: expected at least one KPI`,
    ]);
  });

  it('takes a single grade from 0 as every total’s', () => {
    expect(messages(withScorecard((s) => ({ ...s, grades: [{ grade: 'A', min: 0 }] })))).toEqual([]);
  });

  it('adds weights with a tolerance for decimals', () => {
    const decimals = withScorecard((s) => ({
      ...s,
      dimensions: [
        { ...first(s.dimensions), weight: 0.1 },
        { ...first(s.dimensions.slice(1)), weight: 99.9 },
      ],
      kpis: s.kpis.map((k) => ({ ...k, weight: k.dimension === 'efficiency' ? 0.1 : 99.9 })),
    }));
    expect(messages(decimals)).toEqual([]);
    const thirds = (weight: number): DefinitionSet =>
      withScorecard((s) => ({
        ...s,
        dimensions: [{ ...first(s.dimensions), weight: 100 }],
        kpis: [0, 1, 2].map((i) => ({ ...first(s.kpis), id: `k${i}`, weight })),
      }));
    expect(messages(thirds(100 / 3))).toEqual([]);
    expect(messages(thirds(33.3))).toEqual([
      `warning ${CARD}.dimensions[0]: KPI weights in dimension "efficiency" add up to 99.9, not its weight 100; they are taken as relative shares`,
    ]);
  });
});

describe('pace', () => {
  const achievement = { kind: 'achievement', floor: 0, cap: 1, belowFloorScore: 0 } as const;

  it('is allowed on a cumulative indicator over a calendar window, scored by achievement or linear', () => {
    expect(messages(withKpi({ indicator: 'support.complaints', beforeClose: 'pace', rule: achievement }))).toEqual([]);
    expect(
      messages(
        withKpi({
          indicator: 'support.complaints',
          beforeClose: 'pace',
          rule: { kind: 'linear', step: 1, pointsPerStep: 1, base: 100, min: 0, max: 100, outOf: 100 },
        }),
      ),
    ).toEqual([]);
  });

  it('names each thing pace needs', () => {
    expect(messages(withKpi({ window: 'rolling:24h', beforeClose: 'pace' }))).toEqual([
      `error ${KPI}.beforeClose: pace needs a calendar window, got rolling:24h`,
      `error ${KPI}.beforeClose: pace needs a cumulative indicator (a sum or count without denominator); support.fcr is not`,
    ]);
    expect(
      messages(
        withKpi({
          indicator: 'support.complaints',
          beforeClose: 'pace',
          rule: { kind: 'bands', bands: [{ score: 1 }], outOf: 100 },
        }),
      ),
    ).toEqual([
      `error ${KPI}.beforeClose: pace needs a rule scored against the target (achievement or linear), got bands`,
    ]);
    expect(messages(withKpi({ indicator: 'x.y', beforeClose: 'pace', rule: achievement }))).toEqual([
      `error ${KPI}.indicator: no indicator "x.y" is defined`,
    ]);
  });
});
