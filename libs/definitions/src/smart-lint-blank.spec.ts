import { describe, expect, it } from 'vitest';
import type { DefinitionSet, IndicatorDef, KpiDef } from './model';
import { parseDefinitionDocument } from './parse-document';
import { sampleDocument } from './sample-definitions.fixture';
import { lintSmart } from './smart-lint';

// The sample set with its second indicator (`support.complaints`, a count) and the second KPI changed.
function changeComplaints(
  indicator: (d: IndicatorDef) => IndicatorDef,
  kpi: (k: KpiDef) => KpiDef = (k) => k,
): string[] {
  const set = parseDefinitionDocument(sampleDocument(), 'seed/cs.yaml').definitions;
  const changed: DefinitionSet = {
    ...set,
    indicators: set.indicators.map((d, i) => (i === 1 ? indicator(d) : d)),
    scorecards: set.scorecards.map((s) => ({ ...s, kpis: s.kpis.map((k, i) => (i === 1 ? kpi(k) : k)) })),
  };
  return lintSmart(changed).map((i) => `${i.severity} ${i.path}: ${i.message}`);
}

describe('lintSmart, beyond the sample', () => {
  it('takes a name or a description of blanks as none', () => {
    expect(changeComplaints((d) => ({ ...d, name: { en: 'Complaints', zh: '  ' }, description: ' \n' }))).toEqual([
      'warning scorecards[0].kpis[1]: kpi "complaints" is not Specific: indicator support.complaints has no Chinese name; indicator support.complaints has no description',
    ]);
  });

  it('flags a count of no event type', () => {
    expect(
      changeComplaints((d) =>
        d.measure.kind === 'terms'
          ? { ...d, measure: { ...d.measure, numerator: { ...d.measure.numerator, types: [] } } }
          : d,
      ),
    ).toEqual([
      'warning scorecards[0].kpis[1]: kpi "complaints" is not Measurable: indicator support.complaints is computed from no event type',
    ]);
  });

  it('bounds an average only below, whatever its scale', () => {
    const average = (d: IndicatorDef): IndicatorDef =>
      d.measure.kind === 'terms'
        ? { ...d, unit: 'minutes', measure: { ...d.measure, denominator: d.measure.numerator, scale: 1 } }
        : d;
    expect(changeComplaints(average, (k) => ({ ...k, target: 30 }))).toEqual([]);
  });
});
