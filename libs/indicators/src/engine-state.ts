import { isRolling, type OrgSettings, type WindowName } from '#libs/definitions';
import { localDayNumber, periodOfDay, type CalendarWindow, type Period } from '#libs/time';
import type { CloseQueue } from './close-queue';
import type { IndicatorRuntime } from './indicator-runtime';
import type { EntityRef } from './indicator-value';
import type { InvoiceBook } from './state/invoice-book';
import type { JourneyBook } from './state/journey-book';
import type { MeasureState } from './window-state';

export interface EntityState {
  ref: EntityRef;
  org: OrgState;
  slot: number; // this entity's row in the rolling columns
  states: (MeasureState | undefined)[]; // per indicator index, kept by the indicator's measure kind
}

// a calendar period waiting for its deadline (end + allowed lateness) on its org's clock
export interface ClosingPeriod {
  entity: EntityState;
  runtime: IndicatorRuntime;
  windowIndex: number;
  start: number;
}

export interface OrgState {
  settings: OrgSettings;
  // the org's own event-time clock (watermark): its latest event time folded, or later if the engine
  // was moved (advanceTo). Lateness, closing, rolling windows and the dedup horizon of the org go by it
  // alone, so one org's events never make another's late.
  clockMs: number;
  closeQueue: CloseQueue<ClosingPeriod>;
  org: EntityState;
  teams: Map<string, EntityState>;
  agents: Map<string, EntityState>;
  periodCache: Map<CalendarWindow, Period>;
  periodsByDay: Map<CalendarWindow, Map<number, Period>>;
  invoices: InvoiceBook;
  journeys: Map<number, JourneyBook>; // open keys of lifecycle and conversion indicators, by indicator index
}

export function* entityStates(org: OrgState): Iterable<EntityState> {
  yield org.org;
  yield* org.teams.values();
  yield* org.agents.values();
}

export function periodOf(org: OrgState, window: CalendarWindow, t: number): Period {
  // the newest period first: most events fall in it
  const cached = org.periodCache.get(window);
  if (cached !== undefined && cached.start <= t && t < cached.end) return cached;
  // then by local day, for late events and due dates
  const day = localDayNumber(org.settings.timeZone, t);
  let byDay = org.periodsByDay.get(window);
  if (byDay === undefined) {
    byDay = new Map();
    org.periodsByDay.set(window, byDay);
  }
  let p = byDay.get(day);
  if (p === undefined) {
    p = periodOfDay(window, org.settings.timeZone, day);
    if (byDay.size >= 10_000) byDay.clear();
    byDay.set(day, p);
  }
  if (cached === undefined || p.start > cached.start) org.periodCache.set(window, p);
  return p;
}

// the window's period as of the clock: a rolling window ends at the clock
export function currentPeriod(org: OrgState, window: WindowName, clockMs: number): Period {
  if (isRolling(window)) return { start: clockMs, end: clockMs };
  return periodOf(org, window, clockMs);
}
