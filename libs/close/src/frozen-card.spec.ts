import { describe, expect, it } from 'vitest';
import { scoreScorecard } from '#libs/scoring';
import { card } from './fixtures.fixture';
import { contentHash, freezeCard } from './frozen-card';
import { diffFrozen } from './restatement';

const def = card();
const period = { start: Date.parse('2026-10-31T16:00:00Z'), end: Date.parse('2026-11-30T16:00:00Z') };
const entity = { level: 'agent' as const, id: 'A1', orgId: 'O1' };
const frozenWith = (csat: number) =>
  freezeCard({
    def,
    entity,
    period,
    timeZone: 'Asia/Shanghai',
    score: scoreScorecard(
      def,
      new Map([
        ['csat', csat],
        ['sales_amount', 1],
      ]),
    ),
  });

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

  it('diffs a restatement field by field', () => {
    const before = frozenWith(0.5).content;
    const after = frozenWith(0.9).content;
    expect(diffFrozen(before, before)).toEqual([]);
    expect(diffFrozen(before, after)).toEqual([
      { path: 'total', before: 75, after: 95 },
      { path: 'grade', before: 'C', after: 'A' },
      { path: 'coefficient', before: 1, after: 1.5 },
      { path: 'kpis.csat.actual', before: 0.5, after: 0.9 },
      { path: 'kpis.csat.score', before: 50, after: 90 },
      { path: 'kpis.csat.status', before: 'red', after: 'amber' },
      { path: 'values.support.csat|month', before: 0.5, after: 0.9 },
    ]);
  });
});
