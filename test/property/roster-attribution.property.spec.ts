import fc from 'fast-check';
import { describe, it } from 'vitest';
import { IndicatorEngine, type TeamOf } from '#libs/indicators';
import { expectEqualToBruteForce } from '../support/expect-brute-force';
import { arrivalsArb } from '../support/event-arbitraries';
import { dayIndex } from '../support/oracle-calendar';
import { TEST_INDICATORS, TEST_ORGS } from '../support/test-definitions';

// A roster that moves agents at every local midnight, and forgets some on some days: each local day
// decides the team, so events either side of an org's midnight (DST days included) must follow it.
const AGENTS: Record<string, number> = { A1: 0, A2: 1, A3: 2 };
const rosterOf =
  (seed: number): TeamOf =>
  (orgId, agentId, localDay) => {
    const n = dayIndex(localDay) + (AGENTS[agentId] ?? 0) + seed + (orgId === 'O2' ? 1 : 0);
    return [undefined, 'T1', 'T2', 'T3'][((n % 4) + 4) % 4];
  };

describe('with the roster of record, events count for the team it holds their agent in on their day', () => {
  it('for shuffled, duplicated and late streams, honouring allowed lateness', () => {
    fc.assert(
      fc.property(arrivalsArb, fc.nat(3), (arrivals, seed) => {
        const teamOf = rosterOf(seed);
        const engine = new IndicatorEngine(TEST_INDICATORS, TEST_ORGS, { teamOf });
        for (const e of arrivals) engine.fold(e);
        expectEqualToBruteForce(engine, arrivals, { ignoreLateness: false, teamOf });
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
        expectEqualToBruteForce(engine, arrivals, { ignoreLateness: true, teamOf });
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
        expectEqualToBruteForce(second, arrivals, { ignoreLateness: false, teamOf });
      }),
      { numRuns: 100 },
    );
  });
});
