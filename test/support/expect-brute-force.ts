import { expect } from 'vitest';
import type { CanonicalEvent } from '#libs/events';
import type { IndicatorEngine, IndicatorValue, TeamOf } from '#libs/indicators';
import { acceptEvents, bruteForceValue, entitiesOf } from './brute-force';
import { TEST_INDICATORS, TEST_ORGS } from './test-definitions';

// Equal within float noise (relative 1e-6); null only to null.
export function close(a: number | null, b: number | null): boolean {
  if (a === null || b === null) return a === b;
  return Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(a), Math.abs(b));
}

// Every (indicator, entity, window) of the engine against the brute-force recomputation of the same
// arrivals, as of each entity's org clock (its own latest event).
export function expectEqualToBruteForce(
  engine: IndicatorEngine,
  arrivals: readonly CanonicalEvent[],
  options: { ignoreLateness: boolean; teamOf?: TeamOf },
): void {
  const accepted = acceptEvents(TEST_INDICATORS, TEST_ORGS, arrivals, options);
  for (const entity of entitiesOf(accepted)) {
    const asOf = engine.clockOf(entity.orgId);
    const tz = TEST_ORGS.find((o) => o.id === entity.orgId)?.timeZone as string;
    for (const def of TEST_INDICATORS) {
      if (!def.levels.includes(entity.level)) continue;
      for (const window of def.windows) {
        const got = engine.value(def.id, entity, window) as IndicatorValue;
        const want = bruteForceValue(def, accepted, entity, window, asOf, tz);
        const where = `${def.id} ${entity.level}:${entity.id}@${entity.orgId} ${window}`;
        expect({ where, start: got.periodStart, end: got.periodEnd }).toEqual({
          where,
          start: want.periodStart,
          end: want.periodEnd,
        });
        if (
          !close(got.value, want.value) ||
          !close(got.numerator, want.numerator) ||
          !close(got.denominator, want.denominator)
        ) {
          expect({ where, got }).toEqual({ where, got: { ...got, ...want } });
        }
      }
    }
  }
}
