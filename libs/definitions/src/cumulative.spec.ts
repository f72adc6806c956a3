import { describe, expect, it } from 'vitest';
import { isCumulative } from './cumulative';
import type { IndicatorDef, Measure, Term } from './model';

const CALLS: Term = { types: ['call.ended'], where: [], timeField: 'time', aggregation: { kind: 'count' } };

function indicator(measure: Measure): IndicatorDef {
  return {
    id: 'support.x',
    version: 1,
    name: { en: 'X', zh: 'X' },
    description: '',
    unit: 'count',
    levels: ['agent'],
    windows: ['month'],
    allowedLatenessMs: 0,
    measure,
  };
}

describe('isCumulative', () => {
  it('is true of a count, a sum or a distinct count with no denominator', () => {
    expect(isCumulative(indicator({ kind: 'terms', numerator: CALLS, scale: 1 }))).toBe(true);
    const sum: Term = { ...CALLS, aggregation: { kind: 'sum', fields: ['data.amount'] } };
    expect(isCumulative(indicator({ kind: 'terms', numerator: sum, scale: 1 }))).toBe(true);
  });

  it('is false of a ratio', () => {
    expect(isCumulative(indicator({ kind: 'terms', numerator: CALLS, denominator: CALLS, scale: 100 }))).toBe(false);
  });

  it('is false of the measures that are no terms, none of which has a denominator', () => {
    const measures: Measure[] = [
      { kind: 'overdue-ratio', afterDays: 30 },
      { kind: 'manual', scale: [0, 100] },
      {
        kind: 'lifecycle',
        key: 'data.ticketId',
        from: CALLS,
        to: CALLS,
        pick: 'first',
        result: { kind: 'average', unit: 'h' },
        horizonMs: 1,
      },
      { kind: 'conversion', key: 'data.leadId', from: CALLS, to: CALLS, withinMs: 1 },
    ];
    for (const measure of measures) expect(isCumulative(indicator(measure)), measure.kind).toBe(false);
  });
});
