import type { AlertRuleDef, ScorecardDef } from '#libs/definitions';
import type { ScorecardScore } from '#libs/scoring';
import { readKpi, readStreak, type ClosedPeriod, type Reading } from './alert-reading';
import { transitionKey, watchedKpis, type AlertEntity, type AlertInstance } from './alert-instance';
import { closeAlert, stepAlert, type AlertState, type AlertStep } from './alert-state';

// One scoring of a card for one entity, as the scoring runner stores it.
export interface CardScoring {
  card: ScorecardDef;
  entity: AlertEntity;
  periodStart: number;
  closed: boolean; // the period's final scoring
  at: number; // the event-time clock of the scoring
  score: ScorecardScore;
  samples: ReadonlyMap<string, number | null>; // per KPI: the events behind its actual (denominator, or count)
}

// An instance whose state moved: the state to keep (null: inactive again) and, when it fired or
// resolved, the transition to deliver, with its idempotency key.
export interface AlertChange {
  instance: AlertInstance;
  rule: AlertRuleDef;
  state: AlertState | null;
  transition: { kind: 'fired' | 'resolved'; key: string; firedAt: number; at: number; value: number | null } | null;
}

export type StateOf = (instance: AlertInstance) => AlertState | null;

// whether a step left the state as it was (nothing to store)
function sameState(a: AlertState | null, b: AlertState | null): boolean {
  if (a === null || b === null) return a === b;
  if (a.status !== b.status || a.since !== b.since || !Object.is(a.value, b.value)) return false;
  return a.status === 'pending' || (b.status === 'firing' && a.firedAt === b.firedAt && a.clearSince === b.clearSince);
}

function changeOf(
  instance: AlertInstance,
  rule: AlertRuleDef,
  before: AlertState | null,
  step: AlertStep,
  reading: Reading,
  at: number,
): AlertChange | null {
  if (step.transition === null && sameState(step.state, before)) return null;
  if (step.transition === null) return { instance, rule, state: step.state, transition: null };
  // a resolution carries the moment its alert fired, so the two keys of one episode pair up
  const firedAt = step.transition === 'fired' ? at : before?.status === 'firing' ? before.firedAt : at;
  const value = reading.value ?? before?.value ?? null;
  return {
    instance,
    rule,
    state: step.state,
    transition: { kind: step.transition, key: transitionKey(instance, step.transition, firedAt), firedAt, at, value },
  };
}

// The live rules (red-line, deviation, pace) on one scoring: every instance that moved. A closed
// period's scoring ends its instances (closeAlert) instead of reading them.
export function evaluateCard(s: CardScoring, stateOf: StateOf): AlertChange[] {
  const changes: AlertChange[] = [];
  const kpis = new Map(s.card.kpis.map((k) => [k.id, k]));
  const scores = new Map(s.score.kpis.map((k) => [k.kpi, k]));
  for (const rule of s.card.alerts) {
    if (rule.condition.kind === 'streak') continue;
    for (const kpiId of watchedKpis(rule, [...kpis.keys()])) {
      const kpi = kpis.get(kpiId);
      const score = scores.get(kpiId);
      if (kpi === undefined || score === undefined) continue;
      const instance: AlertInstance = {
        scorecard: s.card.id,
        rule: rule.id,
        kpi: kpiId,
        entity: s.entity,
        periodStart: s.periodStart,
      };
      const before = stateOf(instance);
      const reading = readKpi(rule, kpi, score, s.samples.get(kpiId) ?? null);
      const step = s.closed ? closeAlert(before) : stepAlert(rule, before, reading, s.at);
      const change = changeOf(instance, rule, before, step, reading, s.at);
      if (change !== null) changes.push(change);
    }
  }
  return changes;
}

// The streak rules of a card for one entity, on its closed periods (oldest first), when one more closed.
export function evaluateStreaks(
  card: ScorecardDef,
  entity: AlertEntity,
  history: readonly ClosedPeriod[],
  at: number,
  stateOf: StateOf,
): AlertChange[] {
  const changes: AlertChange[] = [];
  const kpis = new Map(card.kpis.map((k) => [k.id, k]));
  for (const rule of card.alerts) {
    if (rule.condition.kind !== 'streak') continue;
    for (const kpiId of watchedKpis(rule, [...kpis.keys()])) {
      const instance: AlertInstance = { scorecard: card.id, rule: rule.id, kpi: kpiId, entity, periodStart: null };
      const before = stateOf(instance);
      const reading = readStreak(rule, kpis.get(kpiId), history);
      const change = changeOf(instance, rule, before, stepAlert(rule, before, reading, at), reading, at);
      if (change !== null) changes.push(change);
    }
  }
  return changes;
}
