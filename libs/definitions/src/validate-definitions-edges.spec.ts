import { describe, expect, it } from 'vitest';
import type { DefinitionSet, KpiDef, ScorecardDef } from './model';
import { parseDefinitionDocument } from './parse-document';
import { sampleDocument } from './sample-definitions.fixture';
import { validateDefinitions } from './validate-definitions';

// Cross-checks at the edges the mutants found unwatched: a valid reading is quiet, one step past it is named.
function withScorecard(change: (s: ScorecardDef) => ScorecardDef): DefinitionSet {
  const parsed = parseDefinitionDocument(sampleDocument(), 'seed/cs.yaml');
  expect(parsed.errors).toEqual([]);
  return { ...parsed.definitions, scorecards: parsed.definitions.scorecards.map(change) };
}

const messages = (set: DefinitionSet): string[] =>
  validateDefinitions(set).map((i) => `${i.severity} ${i.path}: ${i.message}`);

// the sample card's FCR KPI (efficiency, weight 60) and a second one beside it
const fcrAnd = (second: Partial<KpiDef>, first: Partial<KpiDef> = {}) =>
  withScorecard((s) => {
    const [fcr, ...rest] = s.kpis as [KpiDef, ...KpiDef[]];
    return { ...s, kpis: [{ ...fcr, ...first }, { ...fcr, id: 'fcr2', ...second }, ...rest] };
  });

describe('validateDefinitions at the edges', () => {
  it('takes a red line capping the grade at any grade of the card, and names one it lacks', () => {
    const capped = (grade: string) =>
      withScorecard((s) => ({
        ...s,
        kpis: s.kpis.map((k, i) =>
          i === 0
            ? {
                ...k,
                redLines: [
                  { when: { op: 'lt' as const, value: 0.5 }, effects: [{ kind: 'cap-grade' as const, grade }] },
                ],
              }
            : k,
        ),
      }));
    for (const grade of ['A', 'B', 'C']) expect(messages(capped(grade)), grade).toEqual([]);
    expect(messages(capped('S'))).toEqual([
      'error scorecards[0].kpis[0].redLines[0].effects[0].capGrade: no grade "S"; the grades: A, B, C',
    ]);
  });

  it('refuses a dimension weighing 0 as it does a negative one', () => {
    const weighing = (weight: number) =>
      withScorecard((s) => ({ ...s, dimensions: s.dimensions.map((d, i) => (i === 0 ? { ...d, weight } : d)) }));
    expect(messages(weighing(0))).toContain(
      'error scorecards[0].dimensions[0].weight: expected a positive number, got 0',
    );
    expect(messages(weighing(-5))).toContain(
      'error scorecards[0].dimensions[0].weight: expected a positive number, got -5',
    );
  });

  it("reads KPI weights of 1 as equal shares, but names a mix that misses the dimension's weight", () => {
    expect(messages(fcrAnd({ weight: 1 }, { weight: 1 }))).toEqual([]);
    expect(messages(fcrAnd({ weight: 20 }, { weight: 40 }))).toEqual([]);
    expect(messages(fcrAnd({ weight: 5 }, { weight: 1 }))).toEqual([
      'warning scorecards[0].dimensions[0]: KPI weights in dimension "efficiency" add up to 6, not its weight 60; they are taken as relative shares',
    ]);
  });
});
