import type { GradeDef, KpiDef, ScorecardDef } from '#libs/definitions';

const kpi = (id: string, indicator: string): KpiDef => ({
  id,
  name: { en: id, zh: id },
  indicator,
  window: 'month',
  dimension: 'd',
  weight: 1,
  direction: 'higher',
  target: 1,
  rule: { kind: 'achievement', floor: 0, cap: 1, belowFloorScore: 0 },
  missing: { kind: 'exclude' },
  redLines: [],
  source: '',
});

export const SEED_002_GRADES: GradeDef[] = [
  { grade: 'A', min: 90, coefficient: 1.5 },
  { grade: 'B', min: 80, coefficient: 1.2 },
  { grade: 'C', min: 70, coefficient: 1.0 },
  { grade: 'D', min: 0, coefficient: 0.6 },
];

// A monthly card with two KPIs (csat, sales_amount) and seed 002's grades; rules added per test.
export function card(fields: Partial<ScorecardDef> = {}): ScorecardDef {
  return {
    id: 'card',
    version: 1,
    effectiveFrom: '2026-01-01',
    name: { en: 'card', zh: 'card' },
    role: 'r',
    level: 'agent',
    period: 'month',
    dimensions: [{ id: 'd', name: { en: 'd', zh: 'd' }, weight: 1 }],
    kpis: [kpi('csat', 'support.csat'), kpi('sales_amount', 'presales.sales_amount')],
    grades: SEED_002_GRADES,
    status: { green: 100, amber: 80 },
    alerts: [],
    streaks: [],
    source: '',
    ...fields,
  };
}
