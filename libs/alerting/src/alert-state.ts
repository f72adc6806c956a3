import type { AlertRuleDef } from '#libs/definitions';
import type { Reading } from './alert-reading';

// One alert instance's state between readings (stored by the alerting service; no row = inactive).
// Like Prometheus's rule states: pending until the condition has held `for`, firing until it has been
// clear `keepFiringFor`, then resolved (inactive again). All times are the pipeline's event-time clock.
export type AlertState =
  | { status: 'pending'; since: number; value: number | null }
  | { status: 'firing'; since: number; firedAt: number; clearSince: number | null; value: number | null };

export type AlertTransition = 'fired' | 'resolved';

export interface AlertStep {
  state: AlertState | null; // null: inactive
  transition: AlertTransition | null;
}

// Moves an instance by one reading taken at `at`. A pending alert starts over when the condition stops
// holding (hold or clear) but waits through unknown readings (no data does not reset it, nor fire it);
// a firing one resolves only on clear readings, never on missing data or inside the hysteresis band.
export function stepAlert(rule: AlertRuleDef, state: AlertState | null, reading: Reading, at: number): AlertStep {
  const { level, value } = reading;
  if (state === null) {
    if (level !== 'fire') return { state: null, transition: null };
    if (rule.forMs === 0) return { state: firing(at, at, value), transition: 'fired' };
    return { state: { status: 'pending', since: at, value }, transition: null };
  }
  if (state.status === 'pending') {
    if (level === 'unknown') return { state, transition: null };
    if (level !== 'fire') return { state: null, transition: null };
    if (at - state.since >= rule.forMs) return { state: firing(state.since, at, value), transition: 'fired' };
    return { state: { ...state, value }, transition: null };
  }
  if (level !== 'clear') {
    const clearSince = level === 'unknown' ? state.clearSince : null;
    return { state: { ...state, clearSince, value: value ?? state.value }, transition: null };
  }
  const clearSince = state.clearSince ?? at;
  if (at - clearSince >= rule.keepFiringForMs) return { state: null, transition: 'resolved' };
  return { state: { ...state, clearSince, value }, transition: null };
}

// An instance whose period closed: a firing alert about the period resolves (its period is over), a
// pending one is dropped without a word.
export function closeAlert(state: AlertState | null): AlertStep {
  return { state: null, transition: state?.status === 'firing' ? 'resolved' : null };
}

function firing(since: number, firedAt: number, value: number | null): AlertState {
  return { status: 'firing', since, firedAt, clearSince: null, value };
}
