import { describe, expect, it } from 'vitest';
import { card, frozenAgent, HANDLE_TIME, kpi } from './fixtures.fixture';
import { contentHash } from './frozen-card';

const def = card();
const frozenWith = (csat: number) => frozenAgent(def, 'A1', { csat, sales_amount: 1 });

describe('a frozen card', () => {
  it('hashes its canonical content: the order of keys does not matter, any figure does', () => {
    const frozen = frozenWith(0.9);
    // the same fields in reverse order, as a store may hand them back
    const reversed = Object.fromEntries(Object.entries(frozen.content).reverse()) as typeof frozen.content;
    expect(Object.keys(reversed)[0]).toBe('values');
    expect(contentHash(reversed)).toBe(frozen.hash);
    expect(frozen.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(frozenWith(0.91).hash).not.toBe(frozen.hash);
    expect(frozen.content.values).toEqual([
      { indicator: 'support.csat', window: 'month', periodStart: '2026-10-31T16:00:00.000Z', value: 0.9 },
      { indicator: 'presales.sales_amount', window: 'month', periodStart: '2026-10-31T16:00:00.000Z', value: 1 },
    ]);
  });

  it('holds the entity, the period in the org zone, the figures, and the window period each value was read from', () => {
    // sales read quarterly and handle time over a rolling 30 days (weight 0: shown, outside the total)
    const mixed = card({
      kpis: [
        kpi('csat', 'support.csat'),
        { ...kpi('sales_amount', 'presales.sales_amount'), window: 'quarter' },
        { ...HANDLE_TIME, window: 'rolling:30d', weight: 0 },
      ],
    });
    const kpiOf = { indicator: '', target: 1, weight: 1, redLine: false, missing: false };
    expect(frozenAgent(mixed, 'A7', { csat: 0.9, sales_amount: 2, handle_time: 300 }).content).toEqual({
      scorecard: 'card',
      version: 1,
      entity: { level: 'agent', id: 'A7', orgId: 'O1' },
      periodStart: '2026-10-31T16:00:00.000Z',
      periodEnd: '2026-11-30T16:00:00.000Z',
      timeZone: 'Asia/Shanghai',
      total: 95,
      grade: 'A',
      coefficient: 1.5,
      bonus: null,
      deducted: 0,
      dimensions: [{ dimension: 'd', weight: 1, score: 95 }],
      kpis: [
        {
          ...kpiOf,
          kpi: 'csat',
          indicator: 'support.csat',
          window: 'month',
          actual: 0.9,
          achievement: 0.9,
          score: 90,
          status: 'amber',
        },
        {
          ...kpiOf,
          kpi: 'sales_amount',
          indicator: 'presales.sales_amount',
          window: 'quarter',
          actual: 2,
          achievement: 1,
          score: 100,
          status: 'green',
        },
        {
          ...kpiOf,
          kpi: 'handle_time',
          indicator: 'support.handle_time',
          window: 'rolling:30d',
          actual: 300,
          target: 600,
          achievement: 1,
          score: 100,
          weight: 0,
          status: 'green',
        },
      ],
      redLines: [],
      values: [
        { indicator: 'support.csat', window: 'month', periodStart: '2026-10-31T16:00:00.000Z', value: 0.9 },
        // the quarter holding November's last instant: Q4 from 1 October, Shanghai time
        { indicator: 'presales.sales_amount', window: 'quarter', periodStart: '2026-09-30T16:00:00.000Z', value: 2 },
        { indicator: 'support.handle_time', window: 'rolling:30d', periodStart: null, value: 300 },
      ],
    });
  });
});
