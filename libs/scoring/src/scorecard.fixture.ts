import type { DimensionDef, GradeDef, KpiDef, ScorecardDef } from '#libs/definitions';

// Small scorecards for the specs: every field a test does not name takes a plain default.
export function kpi(id: string, fields: Partial<KpiDef> = {}): KpiDef {
  return {
    id,
    name: { en: id, zh: id },
    indicator: `test.${id}`,
    window: 'month',
    dimension: 'main',
    weight: 1,
    direction: 'higher',
    target: 100,
    rule: { kind: 'achievement', floor: 0, cap: 1, belowFloorScore: 0 },
    missing: { kind: 'exclude' },
    redLines: [],
    source: 'spec',
    ...fields,
  };
}

export function dimension(id: string, weight: number): DimensionDef {
  return { id, name: { en: id, zh: id }, weight };
}

// seed 002 四.1 / 三.2: A ≥90 ×1.5, B 80–89 ×1.2, C 70–79 ×1.0, D <70 ×0.6
export const SEED_002_GRADES: readonly GradeDef[] = [
  { grade: 'A', min: 90, coefficient: 1.5 },
  { grade: 'B', min: 80, coefficient: 1.2 },
  { grade: 'C', min: 70, coefficient: 1.0 },
  { grade: 'D', min: 0, coefficient: 0.6 },
];

// seed 003 售前绩效奖金评定标准: A 95<*≤100 → 300, B 85<*≤95 → 200, C 75<*≤85 → 0, D ≤75 → −200
export const SEED_003_GRADES: readonly GradeDef[] = [
  { grade: 'A', min: 95, minExclusive: true, bonus: 300 },
  { grade: 'B', min: 85, minExclusive: true, bonus: 200 },
  { grade: 'C', min: 75, minExclusive: true, bonus: 0 },
  { grade: 'D', min: 0, bonus: -200 },
];

export function scorecard(
  kpis: readonly KpiDef[],
  dimensions: readonly DimensionDef[] = [dimension('main', 100)],
  fields: Partial<ScorecardDef> = {},
): ScorecardDef {
  return {
    id: 'spec-card',
    version: 1,
    effectiveFrom: '2026-01-01',
    name: { en: 'Spec card', zh: '测试' },
    role: 'spec',
    level: 'agent',
    period: 'month',
    dimensions,
    kpis,
    grades: SEED_002_GRADES,
    status: { green: 100, amber: 80 },
    alerts: [],
    streaks: [],
    source: 'spec',
    ...fields,
  };
}

export function actuals(values: Record<string, number | null>): ReadonlyMap<string, number | null> {
  return new Map(Object.entries(values));
}
