import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IndicatorEngine, type EngineSnapshot, type EntityRef, type IndicatorValue } from '#libs/indicators';
import type { CanonicalEvent } from '#libs/events';
import { acceptEvents, bruteForceValue, entitiesOf } from '../support/brute-force';
import { close } from '../support/expect-brute-force';
import { arrivalsArb } from '../support/event-arbitraries';
import { TEST_INDICATORS, TEST_ORGS } from '../support/test-definitions';

// Time is per org: each org has its own event-time clock, so one org's events (a producer's clock set
// to 2099, say) never make another's late; and the engine's clocks never pass the bound it is given.

const DAY = 86_400_000;
const YEAR = 365 * DAY;
const LAST_EVENT = Date.parse('2026-12-31T16:00:00Z') + 80 * 3_600_000; // no arbitrary event is later

const keyOf = (v: IndicatorValue): string =>
  `${v.indicator}|${v.entity.level}|${v.entity.orgId}|${v.entity.id}|${v.window}|${v.periodStart}`;
const sorted = (values: readonly IndicatorValue[]): IndicatorValue[] =>
  [...values].sort((a, b) => keyOf(a).localeCompare(keyOf(b)));
const valuesOf = (engine: IndicatorEngine, keep: (orgId: string) => boolean): IndicatorValue[] =>
  sorted(engine.values().filter((v) => keep(v.entity.orgId)));

// an event of any org, known or not (O9 has no settings and there is no "*"), days to decades ahead
const farEventArb = fc
  .tuple(fc.constantFrom('O1', 'O2', 'O9'), fc.integer({ min: 4 * DAY, max: 73 * YEAR }), fc.boolean())
  .map(([orgId, ahead, agent]): CanonicalEvent => ({
    specversion: '1.0',
    id: 'far-1',
    source: 'clock/broken',
    type: 'ticket.solved',
    time: new Date(LAST_EVENT + ahead - (ahead % 1000)).toISOString(),
    data: {
      orgId,
      teamId: 'T1',
      ...(agent ? { agentId: 'A1' } : {}),
      ticketId: 'far',
      contacts: 1,
      handleSeconds: 60,
      resolutionSeconds: 60,
    },
  }));

// Ids unique per org. The identity of an event is (source, id) whatever the org (docs/events.md), so the
// same pair sent for two orgs counts once, for the copy folded first: that is the one tie left between
// orgs, and a copy too late for its own org leaves the pair to the other's. Real producers do not share
// ids across orgs (ingest's unique index would refuse the second anyway).
const perOrg = (e: CanonicalEvent): CanonicalEvent => ({ ...e, id: `${e.data.orgId}-${e.id}` });

const withFar = fc.tuple(arrivalsArb, farEventArb, fc.nat()).map(([arrivals, far, at]) => ({
  arrivals: arrivals.map(perOrg),
  far,
  at: arrivals.length === 0 ? 0 : at % (arrivals.length + 1),
}));

const insert = (arrivals: readonly CanonicalEvent[], far: CanonicalEvent, at: number): CanonicalEvent[] => [
  ...arrivals.slice(0, at),
  far,
  ...arrivals.slice(at),
];

function foldAll(engine: IndicatorEngine, events: readonly CanonicalEvent[]): ReturnType<IndicatorEngine['fold']>[] {
  return events.map((e) => engine.fold(e));
}

describe('each org has its own clock', () => {
  it('an event far ahead for one org changes nothing for the others: values and outcomes', () => {
    fc.assert(
      fc.property(withFar, ({ arrivals, far, at }) => {
        const clean = new IndicatorEngine(TEST_INDICATORS, TEST_ORGS);
        const poisoned = new IndicatorEngine(TEST_INDICATORS, TEST_ORGS);
        const cleanOutcomes = foldAll(clean, arrivals);
        const poisonedOutcomes = foldAll(poisoned, insert(arrivals, far, at));
        poisonedOutcomes.splice(at, 1);
        const other = (orgId: string) => orgId !== far.data.orgId;
        expect(valuesOf(poisoned, other)).toEqual(valuesOf(clean, other));
        arrivals.forEach((e, i) => {
          if (!other(e.data.orgId)) return;
          const got = poisonedOutcomes[i];
          const want = cleanOutcomes[i];
          expect([got?.status, got?.tooLate]).toEqual([want?.status, want?.tooLate]);
        });
        for (const orgId of ['O1', 'O2'].filter(other)) expect(poisoned.clockOf(orgId)).toBe(clean.clockOf(orgId));
      }),
      { numRuns: 150 },
    );
  });

  it("the org's own later events are late by its own clock, as the brute force says", () => {
    fc.assert(
      fc.property(withFar, ({ arrivals, far, at }) => {
        const events = insert(arrivals, far, at);
        const engine = new IndicatorEngine(TEST_INDICATORS, TEST_ORGS);
        foldAll(engine, events);
        const accepted = acceptEvents(TEST_INDICATORS, TEST_ORGS, events, { ignoreLateness: false });
        for (const entity of entitiesOf(accepted)) {
          const tz = TEST_ORGS.find((o) => o.id === entity.orgId)?.timeZone as string;
          for (const def of TEST_INDICATORS) {
            if (!def.levels.includes(entity.level)) continue;
            for (const window of def.windows) {
              const got = engine.value(def.id, entity, window) as IndicatorValue;
              const want = bruteForceValue(def, accepted, entity, window, engine.clockOf(entity.orgId), tz);
              const where = `${def.id} ${entity.orgId}/${entity.level}:${entity.id} ${window}`;
              if (!close(got.value, want.value))
                expect({ where, value: got.value }).toEqual({ where, value: want.value });
            }
          }
        }
      }),
      { numRuns: 100 },
    );
  });

  it('with a bound, the far event is rejected (too_far_ahead) and changes nothing for anyone', () => {
    fc.assert(
      fc.property(withFar, ({ arrivals, far, at }) => {
        const timeBound = { now: () => LAST_EVENT, toleranceMs: 300_000 };
        const clean = new IndicatorEngine(TEST_INDICATORS, TEST_ORGS);
        const bounded = new IndicatorEngine(TEST_INDICATORS, TEST_ORGS, { timeBound });
        foldAll(clean, arrivals);
        const outcomes = foldAll(bounded, insert(arrivals, far, at));
        expect(outcomes[at]).toMatchObject({ status: 'rejected', field: 'time', code: 'too_far_ahead' });
        expect(valuesOf(bounded, () => true)).toEqual(valuesOf(clean, () => true));
      }),
      { numRuns: 100 },
    );
  });

  it('advanceTo moves every org, never beyond the bound', () => {
    const now = Date.parse('2026-11-03T00:00:00Z');
    const engine = new IndicatorEngine(TEST_INDICATORS, TEST_ORGS, {
      timeBound: { now: () => now, toleranceMs: 60_000 },
    });
    engine.fold(solved('a', 'O1', '2026-11-02T10:00:00Z'));
    engine.fold(solved('b', 'O2', '2026-11-01T10:00:00Z'));
    expect(engine.clocks()).toEqual({ O1: Date.parse('2026-11-02T10:00:00Z'), O2: Date.parse('2026-11-01T10:00:00Z') });
    engine.advanceTo(Date.parse('2099-01-01T00:00:00Z'));
    expect(engine.clocks()).toEqual({ O1: now + 60_000, O2: now + 60_000 });
    expect(engine.clock).toBe(now + 60_000);
  });
});

function solved(id: string, orgId: string, time: string): CanonicalEvent {
  return {
    specversion: '1.0',
    id,
    source: 'ticketing/test',
    type: 'ticket.solved',
    time,
    data: { orgId, teamId: 'T1', ticketId: id, contacts: 1, handleSeconds: 60, resolutionSeconds: 60 },
  };
}

describe('snapshots with per-org clocks', () => {
  // a version-1 image (one clock) of an engine whose orgs' clocks are all at `clock`
  function asVersion1(image: Extract<EngineSnapshot, { version: 2 }>, clock: number): EngineSnapshot {
    return {
      version: 1,
      clockMs: Number.isFinite(clock) ? clock : null,
      stats: image.stats,
      dedup: [...image.dedup, ...image.orgs.flatMap((o) => o.dedup)],
      orgs: image.orgs.map(({ clockMs: _clock, dedup: _dedup, ...rest }) => rest),
    };
  }

  it('a version-1 checkpoint (one clock) restores to the engine a version-2 one does', () => {
    fc.assert(
      fc.property(arrivalsArb, fc.nat(), (arrivals, cutAt) => {
        const cut = arrivals.length === 0 ? 0 : cutAt % arrivals.length;
        const first = new IndicatorEngine(TEST_INDICATORS, TEST_ORGS);
        foldAll(first, arrivals.slice(0, cut));
        // one clock for all, as the old engine had it
        first.advanceTo(first.clock);
        const image = JSON.parse(JSON.stringify(first.snapshot())) as Extract<EngineSnapshot, { version: 2 }>;
        const v1 = JSON.parse(JSON.stringify(asVersion1(image, first.clock))) as EngineSnapshot;
        const fromV2 = IndicatorEngine.restore(TEST_INDICATORS, TEST_ORGS, image);
        const fromV1 = IndicatorEngine.restore(TEST_INDICATORS, TEST_ORGS, v1);
        const rest = arrivals.slice(cut);
        expect(foldAll(fromV1, rest).map((o) => [o.status, o.tooLate])).toEqual(
          foldAll(fromV2, rest).map((o) => [o.status, o.tooLate]),
        );
        expect(valuesOf(fromV1, () => true)).toEqual(valuesOf(fromV2, () => true));
        expect(fromV1.clocks()).toEqual(fromV2.clocks());
      }),
      { numRuns: 100 },
    );
  });

  it('a poisoned checkpoint is repaired on restore: the clock clamped, the rest as never poisoned', () => {
    fc.assert(
      fc.property(withFar, ({ arrivals, far, at }) => {
        const prefix = arrivals.slice(0, at);
        const rest = arrivals.slice(at);
        const clean = new IndicatorEngine(TEST_INDICATORS, TEST_ORGS);
        const poisoned = new IndicatorEngine(TEST_INDICATORS, TEST_ORGS);
        foldAll(clean, prefix);
        foldAll(poisoned, [...prefix, far]);
        const timeBound = { now: () => LAST_EVENT, toleranceMs: 300_000 };
        const restore = (e: IndicatorEngine) =>
          IndicatorEngine.restore(
            TEST_INDICATORS,
            TEST_ORGS,
            JSON.parse(JSON.stringify(e.snapshot())) as EngineSnapshot,
            {
              timeBound,
            },
          );
        const repaired = restore(poisoned);
        const control = restore(clean);
        for (const clock of Object.values(repaired.clocks())) expect(clock).toBeLessThanOrEqual(LAST_EVENT + 300_000);
        foldAll(repaired, rest);
        foldAll(control, rest);
        const other = (orgId: string) => orgId !== far.data.orgId;
        expect(valuesOf(repaired, other)).toEqual(valuesOf(control, other));
      }),
      { numRuns: 100 },
    );
  });

  it('after the repair, the poisoned org counts its real events again', () => {
    const poisoned = new IndicatorEngine(TEST_INDICATORS, TEST_ORGS);
    poisoned.fold(solved('a', 'O1', '2026-11-02T10:00:00Z'));
    poisoned.fold(solved('far', 'O1', '2099-01-01T00:00:00Z'));
    const team: EntityRef = { level: 'team', id: 'T1', orgId: 'O1' };
    // poisoned: a real event is older than every window of the 2099 clock
    expect(poisoned.fold(solved('b', 'O1', '2026-11-02T10:30:00Z')).status).toBe('too-late');

    const now = Date.parse('2026-11-02T11:00:00Z');
    const repaired = IndicatorEngine.restore(
      TEST_INDICATORS,
      TEST_ORGS,
      JSON.parse(JSON.stringify(poisoned.snapshot())) as EngineSnapshot,
      { timeBound: { now: () => now, toleranceMs: 300_000 } },
    );
    expect(repaired.clockOf('O1')).toBe(now + 300_000);
    // the 2099 bucket no longer counts; what the far clock slid out of the window stays out
    expect(repaired.value('t.solved', team, 'rolling:24h')?.value).toBe(0);
    expect(repaired.fold(solved('c', 'O1', '2026-11-02T10:45:00Z')).status).toBe('applied');
    expect(repaired.fold(solved('d', 'O1', '2026-11-02T10:50:00Z')).status).toBe('applied');
    expect(repaired.value('t.solved', team, 'rolling:1h')?.value).toBe(2);
    expect(repaired.value('t.solved', team, 'rolling:24h')?.value).toBe(2);
    // a far event now is refused, not folded
    expect(repaired.fold(solved('far2', 'O1', '2099-01-01T00:00:00Z'))).toMatchObject({
      status: 'rejected',
      code: 'too_far_ahead',
    });
  });
});
