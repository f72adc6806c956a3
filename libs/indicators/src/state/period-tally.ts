import type { CalendarWindow } from '#libs/time';
import type { EntityRef } from '../indicator-value';

// Additive totals or distinct sets of one calendar period, for the numerator and the denominator. A
// distinct side counts every value seen in the period; its set holds those not parked (ValueParking).
export interface PeriodTally {
  start: number;
  end: number;
  num: number;
  den: number;
  numKeys: Set<string> | null;
  denKeys: Set<string> | null;
  touchedAt: number; // the engine's fold sequence that last reported it
}

// Periods are keyed by their start in minutes: a small integer (an SMI) hashes far faster than the
// millisecond timestamp would. Every zone offset is whole minutes, so starts are minute-aligned.
export function periodKey(startMs: number): number {
  return startMs / 60_000;
}

export interface PeriodTallySnapshot {
  start: number;
  end: number;
  num: number;
  den: number;
  numKeys?: string[];
  denKeys?: string[];
}

export function newPeriodTally(start: number, end: number, numDistinct: boolean, denDistinct: boolean): PeriodTally {
  return {
    start,
    end,
    num: 0,
    den: 0,
    numKeys: numDistinct ? new Set() : null,
    denKeys: denDistinct ? new Set() : null,
    touchedAt: 0,
  };
}

// side 0 = numerator, 1 = denominator; true when the tally changed
export function addToTally(t: PeriodTally, side: 0 | 1, amount: number, key: string): boolean {
  const keys = side === 0 ? t.numKeys : t.denKeys;
  if (keys !== null) {
    if (keys.has(key)) return false;
    keys.add(key);
    if (side === 0) t.num++;
    else t.den++;
    return true;
  }
  if (side === 0) t.num += amount;
  else t.den += amount;
  return true;
}

export function snapshotTally(t: PeriodTally): PeriodTallySnapshot {
  const s: PeriodTallySnapshot = { start: t.start, end: t.end, num: t.num, den: t.den };
  if (t.numKeys !== null) s.numKeys = [...t.numKeys];
  if (t.denKeys !== null) s.denKeys = [...t.denKeys];
  return s;
}

export function restoreTally(s: PeriodTallySnapshot, numDistinct: boolean, denDistinct: boolean): PeriodTally {
  return {
    start: s.start,
    end: s.end,
    num: s.num,
    den: s.den,
    numKeys: numDistinct ? new Set(s.numKeys ?? []) : null,
    denKeys: denDistinct ? new Set(s.denKeys ?? []) : null,
    touchedAt: 0,
  };
}

// A distinct value of one side of an indicator in one org, as the parking store files it.
export interface ValueRef {
  org: string;
  indicator: string;
  side: 'num' | 'den';
  value: string;
}

// A value moved out of the sets of open tallies: counted in each, it is a duplicate there if seen again.
export interface ParkedValue {
  ref: ValueRef;
  tallies: string[]; // the tallies it counts in (tallyId)
  expiresMs: number; // the org clock at which the last of them has closed: the store forgets it then
}

// Where parked values live (the live processor's Postgres table). The engine asks synchronously, for a
// value a tally's set lacks: the caller looks up, before a batch, the values the batch names
// (IndicatorEngine.valueRefs).
export interface ValueParking {
  isMember(ref: ValueRef, tally: string): boolean;
}

// A tally's identity within its indicator and org: the entity, the window and the period's start.
export const tallyId = (entity: EntityRef, window: CalendarWindow, periodStart: number): string =>
  `${entity.level}|${entity.id}|${window}|${periodStart}`;
