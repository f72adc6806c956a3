import type { AlertRuleDef, Level } from '#libs/definitions';

export interface AlertEntity {
  orgId: string;
  level: Level;
  id: string;
}

// What one rule watches for one entity: a KPI of the card ('' for the card's total), within one
// calendar period for the live rules; a streak spans periods, so it has none (periodStart null).
export interface AlertInstance {
  scorecard: string;
  rule: string;
  kpi: string;
  entity: AlertEntity;
  periodStart: number | null;
}

export function instanceKey(i: AlertInstance): string {
  const period = i.periodStart === null ? '-' : String(i.periodStart);
  return [i.entity.orgId, i.scorecard, i.rule, i.kpi, i.entity.level, i.entity.id, period].join('|');
}

// The idempotency key a message carries: one per instance and transition, stable across restarts and
// redeliveries (a receiver that dedupes by it sees each change once). `firedAt` tells apart the times the
// same instance fires again after resolving.
export function transitionKey(i: AlertInstance, transition: 'fired' | 'resolved', firedAt: number): string {
  return `${instanceKey(i)}|${firedAt}|${transition}`;
}

// The KPIs a rule watches on a card: its own list, or every KPI; the card itself ('') for a total streak.
export function watchedKpis(rule: AlertRuleDef, cardKpis: readonly string[]): readonly string[] {
  const c = rule.condition;
  if (c.kind === 'streak' && c.when.kind === 'total-below') return [''];
  return rule.kpis ?? cardKpis;
}
