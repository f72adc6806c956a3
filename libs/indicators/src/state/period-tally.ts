// Additive totals or distinct sets of one calendar period, for the numerator and the denominator.
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
    if (side === 0) t.num = keys.size;
    else t.den = keys.size;
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
