import type { Term } from '#libs/definitions';
import { describe, expect, it } from 'vitest';
import {
  deadlineOf,
  isBefore,
  landingOf,
  latestArrivalOf,
  newJourney,
  restoreJourney,
  restoreJourneys,
  sameLanding,
  snapshotJourneys,
  newJourneyBook,
  UncountedDeadlines,
  type Arrival,
  type JoinedDef,
  type Journey,
  type Landing,
} from './journey-book';

const term = (type: string): Term => ({ types: [type], where: [], timeField: 'time', aggregation: { kind: 'count' } });
const HOUR = 3_600_000;

function lifecycle(result: Extract<JoinedDef, { kind: 'lifecycle' }>['result'], pick: 'first' | 'last'): JoinedDef {
  return {
    kind: 'lifecycle',
    key: 'data.ticketId',
    from: term('a'),
    to: term('b'),
    pick,
    result,
    horizonMs: 10 * HOUR,
  };
}

const AVERAGE_MIN = lifecycle({ kind: 'average', unit: 'min' }, 'first');
const LAST_IN_HOURS = lifecycle({ kind: 'average', unit: 'h' }, 'last');
const WITHIN_2H = lifecycle({ kind: 'within', withinMs: 2 * HOUR }, 'first');
const CONVERSION: JoinedDef = {
  kind: 'conversion',
  key: 'data.leadId',
  from: term('a'),
  to: term('b'),
  withinMs: 10 * HOUR,
};

function at(t: number, key: string, team?: string, agent?: string): Arrival {
  return { t, key, team, agent };
}

function journey(from: Arrival | null, ...tos: Arrival[]): Journey {
  return { ...newJourney(), from, tos };
}

describe('the order of arrivals', () => {
  it('goes by time, then by the idempotency key', () => {
    expect(isBefore(at(1, 'z'), at(2, 'a'))).toBe(true);
    expect(isBefore(at(2, 'a'), at(1, 'z'))).toBe(false);
    expect(isBefore(at(1, 'a'), at(1, 'b'))).toBe(true);
    expect(isBefore(at(1, 'b'), at(1, 'a'))).toBe(false);
    expect(isBefore(at(1, 'a'), at(1, 'a'))).toBe(false);
  });
});

describe('a lifecycle pair', () => {
  it('is nothing without a start or without a `to` in its horizon', () => {
    expect(landingOf(AVERAGE_MIN, journey(null, at(5, 'b')), 0, 0)).toBeNull();
    expect(landingOf(AVERAGE_MIN, journey(at(0, 'a')), 0, 0)).toBeNull();
    expect(landingOf(AVERAGE_MIN, journey(at(0, 'a'), at(10 * HOUR + 1, 'b')), 0, 0)).toBeNull();
    expect(landingOf(AVERAGE_MIN, journey(at(HOUR, 'a'), at(HOUR - 1, 'b')), 0, 0)).toBeNull();
  });

  it('takes a `to` exactly at the start and exactly at the horizon', () => {
    expect(landingOf(AVERAGE_MIN, journey(at(HOUR, 'a'), at(HOUR, 'b', 'T1', 'A1')), 0, 0)).toEqual({
      t: HOUR,
      value: 0,
      count: 1,
      team: 'T1',
      agent: 'A1',
    });
    expect(landingOf(AVERAGE_MIN, journey(at(0, 'a'), at(10 * HOUR, 'b')), 0, 0)).toMatchObject({
      t: 10 * HOUR,
      value: 600,
    });
  });

  it('lands at its first `to` (earliest, then smallest key) in the unit asked, for that event’s owner', () => {
    const j = journey(
      at(0, 'a', 'T0', 'A0'),
      at(3 * HOUR, 'b3', 'T3'),
      at(HOUR, 'b2', 'T2', 'A2'),
      at(HOUR, 'b1', 'T1'),
    );
    expect(landingOf(AVERAGE_MIN, j, 0, 0)).toEqual({ t: HOUR, value: 60, count: 1, team: 'T1', agent: undefined });
  });

  it('lands at its last `to` when asked, ties to the larger key, leaving out those past the horizon', () => {
    const j = journey(
      at(0, 'a'),
      at(2 * HOUR, 'b1', 'T1'),
      at(2 * HOUR, 'b2', 'T2'),
      at(HOUR, 'b0'),
      at(11 * HOUR, 'b9'),
    );
    expect(landingOf(LAST_IN_HOURS, j, 0, 0)).toEqual({
      t: 2 * HOUR,
      value: 2,
      count: 1,
      team: 'T2',
      agent: undefined,
    });
  });

  it('counts 1 within the time asked, up to exactly that time, and 0 after', () => {
    expect(landingOf(WITHIN_2H, journey(at(0, 'a'), at(2 * HOUR, 'b')), 0, 0)?.value).toBe(1);
    expect(landingOf(WITHIN_2H, journey(at(0, 'a'), at(2 * HOUR + 1, 'b')), 0, 0)?.value).toBe(0);
  });
});

describe('a conversion', () => {
  it('converts at its first `to` in the window, for the start’s owner', () => {
    const j = journey(at(0, 'a', 'T0', 'A0'), at(5 * HOUR, 'b2', 'T2', 'A2'), at(4 * HOUR, 'b1', 'T1', 'A1'));
    expect(landingOf(CONVERSION, j, 0, 0)).toEqual({ t: 4 * HOUR, value: 1, count: 1, team: 'T0', agent: 'A0' });
    expect(landingOf(CONVERSION, journey(at(0, 'a'), at(10 * HOUR, 'b')), 0, 0)?.value).toBe(1);
  });

  it('is missed at the end of its window once a `to` came after it', () => {
    expect(landingOf(CONVERSION, journey(at(0, 'a', 'T0'), at(10 * HOUR + 1, 'b', 'T1')), 0, 0)).toEqual({
      t: 10 * HOUR,
      value: 0,
      count: 1,
      team: 'T0',
      agent: undefined,
    });
  });

  it('is missed once the clock is the allowed lateness past the window, and open a millisecond before', () => {
    const j = journey(at(0, 'a'));
    expect(landingOf(CONVERSION, j, 10 * HOUR + HOUR - 1, HOUR)).toBeNull();
    expect(landingOf(CONVERSION, j, 10 * HOUR + HOUR, HOUR)).toMatchObject({ t: 10 * HOUR, value: 0 });
  });

  it('does not count a `to` timed before its start, nor is it missed by it', () => {
    expect(landingOf(CONVERSION, journey(at(HOUR, 'a'), at(0, 'b')), 0, 0)).toBeNull();
    // at real instants too (the distance is what counts, not the sum of the times)
    const start = Date.parse('2026-03-10T10:00:00Z');
    expect(landingOf(CONVERSION, journey(at(start, 'a'), at(start - 1, 'b')), start, 0)).toBeNull();
  });
});

describe('landings and deadlines', () => {
  it('are the same only when every field is', () => {
    const a: Landing = { t: 1, value: 2, count: 1, team: 'T', agent: 'A' };
    expect(sameLanding(a, { ...a })).toBe(true);
    expect(sameLanding(null, null)).toBe(true);
    expect(sameLanding(a, null)).toBe(false);
    expect(sameLanding(null, a)).toBe(false);
    for (const change of [{ t: 9 }, { value: 9 }, { count: 9 }, { team: 'X' }, { agent: 'X' }]) {
      expect(sameLanding(a, { ...a, ...change })).toBe(false);
    }
  });

  it('settle a key its horizon and lateness after its start, or the lateness after its latest `to`', () => {
    expect(deadlineOf(AVERAGE_MIN, journey(at(HOUR, 'a'), at(20 * HOUR, 'b')), 5)).toBe(11 * HOUR + 5);
    expect(deadlineOf(CONVERSION, journey(at(0, 'a')), 0)).toBe(10 * HOUR);
    expect(deadlineOf(AVERAGE_MIN, journey(null, at(3, 'b'), at(7, 'c'), at(5, 'd')), 2)).toBe(9);
    expect(deadlineOf(AVERAGE_MIN, journey(null), 2)).toBe(Number.NEGATIVE_INFINITY);
  });
});

describe('the deadlines of parked keys that count for nothing', () => {
  it('expire as many keys as each holds by the clock, once, less those called back', () => {
    const u = new UncountedDeadlines();
    for (const deadline of [100, 100, 100, 200, 300]) u.add(deadline);
    u.remove(100); // a key called back: its deadline goes with it
    u.remove(300);
    expect(u.snapshot()).toEqual([
      [100, 2],
      [200, 1],
    ]);
    expect(u.popDue(150)).toBe(2);
    expect(u.popDue(150)).toBe(0);
    expect(u.popDue(300)).toBe(1);
    expect(u.snapshot()).toEqual([]);
  });
});

describe('a key’s latest event', () => {
  it('is the latest of its start and its `to` events, whatever their order', () => {
    expect(latestArrivalOf(journey(at(500, 'a'), at(100, 'b')))).toBe(500);
    expect(latestArrivalOf(journey(null, at(300, 'b1'), at(100, 'b2')))).toBe(300);
    expect(latestArrivalOf(journey(null))).toBe(Number.NEGATIVE_INFINITY);
  });
});

describe('a journey book snapshot', () => {
  it('brings back that a key came from the parking store, and only then', () => {
    const j = { ...newJourney(), stored: true as const };
    expect(restoreJourney(JSON.parse(JSON.stringify(j)) as typeof j)).toEqual(j);
    expect(restoreJourney(newJourney())).not.toHaveProperty('stored');
  });

  it('keeps the clock, the keys and their owners, and brings back owners JSON dropped as undefined', () => {
    const book = newJourneyBook(7);
    book.keys.set('k1', {
      from: at(1, 'a', 'T'),
      tos: [at(2, 'b', undefined, 'A')],
      landed: { t: 2, value: 1, count: 1, team: 'T', agent: undefined },
    });
    book.keys.set('k2', { from: null, tos: [], landed: null });
    const snap = JSON.parse(JSON.stringify(snapshotJourneys('x.y', book))) as ReturnType<typeof snapshotJourneys>;
    expect(snap.indicator).toBe('x.y');
    expect(snap.clockMs).toBe(7);
    const back = restoreJourneys(snap);
    expect(back.clockMs).toBe(7);
    expect([...back.keys]).toEqual([...book.keys]);
    expect(back.keys.get('k1')?.from).toHaveProperty('agent', undefined);
    expect(back.keys.get('k1')?.tos[0]).toHaveProperty('team', undefined);
    expect(back.keys.get('k1')?.landed).toHaveProperty('agent', undefined);
    expect(back.deadlines.size).toBe(0);
  });

  it('writes a clock that never moved as null and reads it back', () => {
    const snap = snapshotJourneys('x.y', newJourneyBook(Number.NEGATIVE_INFINITY));
    expect(snap.clockMs).toBeNull();
    expect(restoreJourneys(snap).clockMs).toBe(Number.NEGATIVE_INFINITY);
  });
});
