import type { RollingWindow } from '#libs/definitions';
import type { CalendarWindow } from '#libs/time';
import type { OverdueLedger } from './state/overdue-ledger';
import type { PeriodTally } from './state/period-tally';
import type { RollingColumns } from './state/rolling-columns';
import type { RollingDistinct } from './state/rolling-distinct';
import type { RollingSpec } from './windows';

// Additive sides of a rolling window live in shared columns (one per indicator, window and side, all
// entities together); distinct sides keep their own value map per entity.
export interface RollingColumnsPair {
  num: RollingColumns | null; // null when the side is a distinct count
  den: RollingColumns | null;
}

export interface RollingState {
  kind: 'rolling';
  window: RollingWindow;
  spec: RollingSpec;
  numDistinct: RollingDistinct | null;
  denDistinct: RollingDistinct | null;
  touchedAt: number;
}

export interface CalendarState {
  kind: 'calendar';
  window: CalendarWindow;
  periods: Map<number, PeriodTally>; // open periods by periodKey(start)
  latest: PeriodTally | null; // the newest open period, the one most events go to
}

export interface ManualScore {
  start: number;
  end: number;
  timeMs: number;
  tie: string; // idempotency key: the later key wins a tie in time, so arrival order never matters
  value: number;
  touchedAt: number;
}

export interface ManualState {
  kind: 'manual';
  window: CalendarWindow;
  periods: Map<number, ManualScore>; // by periodKey(start)
}

// What one measure kind keeps for one (indicator, entity): a state per window for terms and manual
// scores, one ledger for every window of an overdue indicator.
export type TermsState = (RollingState | CalendarState)[];
export type ManualScoreState = ManualState[];
export type MeasureState = TermsState | ManualScoreState | OverdueLedger;
