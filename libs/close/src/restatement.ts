import type { FrozenContent } from './frozen-card';

// One field a restatement would change: a dotted path (`total`, `kpis.csat.actual`, `values.support.csat|month`).
export interface Difference {
  path: string;
  before: unknown;
  after: unknown;
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

// What differs between a frozen result and the same card scored again after a late event, field by
// field: the card's figures, each KPI's, each value read. Empty: nothing to restate.
export function diffFrozen(before: FrozenContent, after: FrozenContent): Difference[] {
  const out: Difference[] = [];
  const field = (path: string, a: unknown, b: unknown) => {
    if (!same(a, b)) out.push({ path, before: a ?? null, after: b ?? null });
  };
  for (const key of ['version', 'total', 'grade', 'coefficient', 'bonus', 'deducted', 'redLines'] as const)
    field(key, before[key], after[key]);
  const kpisAfter = new Map(after.kpis.map((k) => [k.kpi, k]));
  const kpiIds = [...new Set([...before.kpis.map((k) => k.kpi), ...after.kpis.map((k) => k.kpi)])];
  for (const id of kpiIds) {
    const a = before.kpis.find((k) => k.kpi === id);
    const b = kpisAfter.get(id);
    for (const key of ['actual', 'score', 'status', 'redLine'] as const) field(`kpis.${id}.${key}`, a?.[key], b?.[key]);
  }
  const valueKey = (v: { indicator: string; window: string }) => `${v.indicator}|${v.window}`;
  // a value read on one side only (another definitions version) differs as much as a KPI on one side
  const valuesBefore = new Map(before.values.map((v) => [valueKey(v), v.value]));
  const valuesAfter = new Map(after.values.map((v) => [valueKey(v), v.value]));
  for (const key of new Set([...valuesBefore.keys(), ...valuesAfter.keys()]))
    field(`values.${key}`, valuesBefore.get(key), valuesAfter.get(key));
  return out;
}
