import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CanonicalEvent } from '#libs/events';
import { IndicatorEngine, type IndicatorValue, type TeamOf } from '#libs/indicators';
import { dayNumberOfDate } from '#libs/time';
import { acceptEvents, bruteForceValue, entitiesOf } from '../support/brute-force';
import { arrivalsArb } from '../support/event-arbitraries';
import { TEST_INDICATORS, TEST_ORGS } from '../support/test-definitions';

// A roster that moves agents at every local midnight, and forgets some on some days: each local day
// decides the team, so events either side of an org's midnight (DST days included) must follow it.
const AGENTS: Record<string, number> = { A1: 0, A2: 1, A3: 2 };
const rosterOf =
  (seed: number): TeamOf =>
  (orgId, agentId, localDay) => {
    const n = dayNumberOfDate(localDay) + (AGENTS[agentId] ?? 0) + seed + (orgId === 'O2' ? 1 : 0);
    return [undefined, 'T1', 'T2', 'T3'][((n % 4) + 4) % 4];
  };

function close(a: number | null, b: number | null): boolean {
  if (a === null || b === null) return a === b;
  return Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(a), Math.abs(b));
}

function expectEqualToBruteForce(
  engine: IndicatorEngine,
  arrivals: CanonicalEvent[],
  ignoreLateness: boolean,
  teamOf: TeamOf,
): void {
  const accepted = acceptEvents(TEST_INDICATORS, TEST_ORGS, arrivals, { ignoreLateness, teamOf });
  for (const entity of entitiesOf(accepted)) {
    const asOf = engine.clockOf(entity.orgId);
    const tz = TEST_ORGS.find((o) => o.id === entity.orgId)?.timeZone as string;
    for (const def of TEST_INDICATORS) {
      if (!def.levels.includes(entity.level)) continue;
      for (const window of def.windows) {
        const got = engine.value(def.id, entity, window) as IndicatorValue;
        const want = bruteForceValue(def, accepted, entity, window, asOf, tz);
        const where = `${def.id} ${entity.level}:${entity.id}@${entity.orgId} ${window}`;
        const same =
          got.periodStart === want.periodStart &&
          got.periodEnd === want.periodEnd &&
          close(got.value, want.value) &&
          close(got.numerator, want.numerator) &&
          close(got.denominator, want.denominator);
        if (!same) expect({ where, got }).toEqual({ where, got: { ...got, ...want } });
      }
    }
  }
}

describe('with the roster of record, events count for the team it holds their agent in on their day', () => {
  it('for shuffled, duplicated and late streams, honouring allowed lateness', () => {
    fc.assert(
      fc.property(arrivalsArb, fc.nat(3), (arrivals, seed) => {
        const teamOf = rosterOf(seed);
        const engine = new IndicatorEngine(TEST_INDICATORS, TEST_ORGS, { teamOf });
        for (const e of arrivals) engine.fold(e);
        expectEqualToBruteForce(engine, arrivals, false, teamOf);
      }),
      { numRuns: 150 },
    );
  });

  it('in batch mode (ignoreLateness), in micro-batches', () => {
    fc.assert(
      fc.property(arrivalsArb, fc.nat(3), fc.integer({ min: 1, max: 17 }), (arrivals, seed, size) => {
        const teamOf = rosterOf(seed);
        const engine = new IndicatorEngine(TEST_INDICATORS, TEST_ORGS, { teamOf, ignoreLateness: true });
        for (let i = 0; i < arrivals.length; i += size) engine.foldBatch(arrivals.slice(i, i + size));
        expectEqualToBruteForce(engine, arrivals, true, teamOf);
      }),
      { numRuns: 150 },
    );
  });

  it('after a snapshot and restore at any point, as if never interrupted', () => {
    fc.assert(
      fc.property(arrivalsArb, fc.nat(3), fc.nat(), (arrivals, seed, cutAt) => {
        const teamOf = rosterOf(seed);
        const cut = arrivals.length === 0 ? 0 : cutAt % arrivals.length;
        const first = new IndicatorEngine(TEST_INDICATORS, TEST_ORGS, { teamOf });
        for (const e of arrivals.slice(0, cut)) first.fold(e);
        const image = JSON.parse(JSON.stringify(first.snapshot())) as ReturnType<IndicatorEngine['snapshot']>;
        const second = IndicatorEngine.restore(TEST_INDICATORS, TEST_ORGS, image, { teamOf });
        for (const e of arrivals.slice(cut)) second.fold(e);
        expectEqualToBruteForce(second, arrivals, false, teamOf);
      }),
      { numRuns: 100 },
    );
  });
});
