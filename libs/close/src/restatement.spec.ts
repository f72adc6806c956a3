import { describe, expect, it } from 'vitest';
import { card, frozenAgent, HANDLE_TIME } from './fixtures.fixture';
import { diffFrozen } from './restatement';

const def = card();
const frozenWith = (csat: number) => frozenAgent(def, 'A1', { csat, sales_amount: 1 }).content;

describe('a restatement diff', () => {
  it('reports nothing to restate for the same figures, else each changed field by path', () => {
    const before = frozenWith(0.5);
    const after = frozenWith(0.9);
    expect(diffFrozen(before, frozenWith(0.5))).toEqual([]);
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

  it('reports a KPI and a value read on one side only (another definitions version) as null on the other', () => {
    // version 2 drops sales for handle time; both score 100, so the total stays 75
    const before = frozenWith(0.5);
    const v2 = card({ version: 2, kpis: [def.kpis[0]!, HANDLE_TIME] });
    const after = frozenAgent(v2, 'A1', { csat: 0.5, handle_time: 300 }).content;
    expect(diffFrozen(before, after)).toEqual([
      { path: 'version', before: 1, after: 2 },
      { path: 'kpis.sales_amount.actual', before: 1, after: null },
      { path: 'kpis.sales_amount.score', before: 100, after: null },
      { path: 'kpis.sales_amount.status', before: 'green', after: null },
      { path: 'kpis.sales_amount.redLine', before: false, after: null },
      { path: 'kpis.handle_time.actual', before: null, after: 300 },
      { path: 'kpis.handle_time.score', before: null, after: 100 },
      { path: 'kpis.handle_time.status', before: null, after: 'green' },
      { path: 'kpis.handle_time.redLine', before: null, after: false },
      { path: 'values.presales.sales_amount|month', before: 1, after: null },
      { path: 'values.support.handle_time|month', before: null, after: 300 },
    ]);
  });
});
