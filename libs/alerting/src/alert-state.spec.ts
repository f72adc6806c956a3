import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AlertRuleDef } from '#libs/definitions';
import type { Reading, ReadingLevel } from './alert-reading';
import { closeAlert, stepAlert, type AlertState, type AlertTransition } from './alert-state';

const MINUTE = 60_000;

function rule(forMs: number, keepFiringForMs = 0): AlertRuleDef {
  return {
    id: 'r',
    name: { en: 'r', zh: 'r' },
    severity: 'warning',
    kpis: null,
    condition: { kind: 'red-line' },
    forMs,
    keepFiringForMs,
    labels: {},
    source: 'spec',
  };
}

const read = (level: ReadingLevel, value: number | null = level === 'unknown' ? null : 1): Reading => ({
  level,
  value,
});

// Runs readings [minute, level] through one instance: the transitions with their minute, and the end state.
function run(r: AlertRuleDef, readings: readonly [number, ReadingLevel][]) {
  let state: AlertState | null = null;
  const transitions: [number, AlertTransition][] = [];
  for (const [minute, level] of readings) {
    const step = stepAlert(r, state, read(level), minute * MINUTE);
    state = step.state;
    if (step.transition !== null) transitions.push([minute, step.transition]);
  }
  return { transitions, state };
}

describe('an alert instance moves inactive → pending → firing → resolved', () => {
  it('fires at once without `for`, and resolves on the first clear reading', () => {
    expect(
      run(rule(0), [
        [0, 'fire'],
        [5, 'fire'],
        [9, 'clear'],
      ]).transitions,
    ).toEqual([
      [0, 'fired'],
      [9, 'resolved'],
    ]);
  });

  it('is pending until the condition has held `for`, then fires once', () => {
    const { transitions, state } = run(rule(30 * MINUTE), [
      [0, 'fire'],
      [10, 'fire'],
      [29, 'fire'],
      [30, 'fire'],
      [45, 'fire'],
    ]);
    expect(transitions).toEqual([[30, 'fired']]);
    expect(state).toMatchObject({ status: 'firing', since: 0, firedAt: 30 * MINUTE });
  });

  it('a pending alert starts over when the condition stops holding, even inside the band', () => {
    const r = rule(30 * MINUTE);
    expect(
      run(r, [
        [0, 'fire'],
        [20, 'hold'],
        [25, 'fire'],
        [50, 'fire'],
      ]).transitions,
    ).toEqual([]);
    expect(
      run(r, [
        [0, 'fire'],
        [20, 'clear'],
        [25, 'fire'],
        [55, 'fire'],
      ]).transitions,
    ).toEqual([[55, 'fired']]);
  });

  it('missing data neither resets a pending alert nor fires it', () => {
    const r = rule(30 * MINUTE);
    expect(
      run(r, [
        [0, 'fire'],
        [20, 'unknown'],
        [40, 'unknown'],
      ]).transitions,
    ).toEqual([]);
    expect(
      run(r, [
        [0, 'fire'],
        [20, 'unknown'],
        [40, 'fire'],
      ]).transitions,
    ).toEqual([[40, 'fired']]);
  });

  it('a value hovering at the line does not flap: a firing alert holds inside the band', () => {
    const { transitions } = run(rule(0), [
      [0, 'fire'],
      [1, 'hold'],
      [2, 'fire'],
      [3, 'hold'],
      [4, 'fire'],
      [5, 'unknown'],
    ]);
    expect(transitions).toEqual([[0, 'fired']]);
  });

  it('a firing alert keeps the latest value read, and its last known one through missing data', () => {
    const fired = stepAlert(rule(0), null, read('fire', 0.06), 0).state;
    const held = stepAlert(rule(0), fired, read('hold', 0.04), MINUTE).state;
    expect(held).toEqual({ status: 'firing', since: 0, firedAt: 0, clearSince: null, value: 0.04 });
    expect(stepAlert(rule(0), held, read('unknown'), 2 * MINUTE).state?.value).toBe(0.04);
  });

  it('keepFiringFor: resolves only after clear readings for that long, a relapse restarting the wait', () => {
    const r = rule(0, 15 * MINUTE);
    expect(
      run(r, [
        [0, 'fire'],
        [5, 'clear'],
        [10, 'fire'],
        [12, 'clear'],
        [20, 'clear'],
        [27, 'clear'],
      ]).transitions,
    ).toEqual([
      [0, 'fired'],
      [27, 'resolved'],
    ]);
    // missing data keeps the wait running
    expect(
      run(r, [
        [0, 'fire'],
        [5, 'clear'],
        [10, 'unknown'],
        [20, 'clear'],
      ]).transitions,
    ).toEqual([
      [0, 'fired'],
      [20, 'resolved'],
    ]);
  });

  it('a closed period resolves a firing alert and drops a pending one silently', () => {
    const firing = stepAlert(rule(0), null, read('fire'), 0).state;
    expect(closeAlert(firing)).toEqual({ state: null, transition: 'resolved' });
    const pending = stepAlert(rule(MINUTE), null, read('fire'), 0).state;
    expect(closeAlert(pending)).toEqual({ state: null, transition: null });
    expect(closeAlert(null)).toEqual({ state: null, transition: null });
  });

  it('(property) transitions alternate fired, resolved, …; a fire comes only after `for` of fire readings', () => {
    const levels = fc.constantFrom<ReadingLevel>('fire', 'hold', 'clear', 'unknown');
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 20 }), levels), { maxLength: 60 }),
        fc.integer({ min: 0, max: 40 }),
        fc.integer({ min: 0, max: 40 }),
        (steps, forMin, keepMin) => {
          const r = rule(forMin * MINUTE, keepMin * MINUTE);
          let minute = 0;
          const readings = steps.map(([gap, level]): [number, ReadingLevel] => [(minute += gap), level]);
          let state: AlertState | null = null;
          let fired = 0;
          readings.forEach(([at, level], i) => {
            const step = stepAlert(r, state, read(level), at * MINUTE);
            state = step.state;
            if (step.transition === null) return;
            expect(step.transition).toBe(fired % 2 === 0 ? 'fired' : 'resolved');
            fired++;
            if (step.transition === 'resolved') return;
            // brute force: the run of fire (and unknown) readings ending here, with no hold or clear in it
            expect(level).toBe('fire');
            let start = at;
            for (let j = i; j >= 0; j--) {
              const [m, l] = readings[j] as [number, ReadingLevel];
              if (l === 'hold' || l === 'clear') break;
              if (l === 'fire') start = m;
            }
            expect(at - start).toBeGreaterThanOrEqual(forMin);
          });
        },
      ),
      { numRuns: 300 },
    );
  });
});
