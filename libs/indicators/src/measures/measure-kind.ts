import type { EventProblem, Level } from '#libs/definitions';
import type { CanonicalEvent } from '#libs/events';
import type { CalendarWindow, Period } from '#libs/time';
import type { EventContext } from '../compiled-term';
import type { MeasureStateSnapshot } from '../engine-snapshot';
import type { EntityState, OrgState } from '../engine-state';
import type { IndicatorRuntime } from '../indicator-runtime';
import type { IndicatorValue, TooLate } from '../indicator-value';

// A state the engine reports once per batch: it remembers the batch that last reported it.
export interface Touchable {
  touchedAt: number;
}

// What a measure kind may ask of the engine, which keeps the clock, lateness and the batch's changes.
export interface EngineHost {
  clock(org: OrgState): number; // the org's event-time clock
  // true when the period has closed for the indicator on the org's clock: the event is noted in
  // tooLate, not folded
  tooLateFor(
    org: OrgState,
    runtime: IndicatorRuntime,
    window: CalendarWindow,
    period: Period,
    tooLate: TooLate[],
  ): boolean;
  scheduleClose(entity: EntityState, runtime: IndicatorRuntime, w: number, start: number, end: number): void;
  // reports a window's value as changed by this fold, once per batch however often it changes
  touch(entity: EntityState, runtime: IndicatorRuntime, w: number, periodStart: number, mark: Touchable): void;
  // the same for every window of the indicator at once (one state serves them all)
  touchEveryWindow(entity: EntityState, runtime: IndicatorRuntime, mark: Touchable): void;
  // the org's entity of that level and id (created if new): where an invoice's balance counts
  entity(org: OrgState, level: Level, id: string): EntityState;
  // a payment of an invoice not seen (yet): held for it, never taken from another invoice's balance
  notePaymentOfUnknownInvoice(): void;
  // a lifecycle or conversion key dropped after its horizon without ever counting (no pair)
  noteExpiredKey(): void;
  // the event went into state that has no value yet (a key waiting for its pair): applied, not ignored
  held(): void;
  // batch runs: nothing is too late and no period closes
  readonly ignoresLateness: boolean;
}

// One kind of measure (terms, manual scores, overdue receivables): how its indicators fold events,
// read values and keep state. Each keeps its state for an (indicator, entity) in entity.states.
// periodStart is a period of a calendar window, or NaN: the current period (rolling windows, ledgers).
export interface MeasureKind {
  // the event types it folds; the engine calls fold only for those
  readonly eventTypes: readonly string[];
  // why the event cannot be folded, checked before lateness and dedup (undefined: fine)
  check?(e: CanonicalEvent): EventProblem | undefined;
  fold(org: OrgState, entities: readonly EntityState[], e: CanonicalEvent, ctx: EventContext, tooLate: TooLate[]): void;
  read(entity: EntityState, runtime: IndicatorRuntime, w: number, periodStart: number): IndicatorValue;
  // value, numerator and denominator of an entity with no state yet: nothing counted
  empty(runtime: IndicatorRuntime): Pick<IndicatorValue, 'value' | 'numerator' | 'denominator'>;
  // the org's clock was set back at restore (clamped to the bound): drops what lies ahead of it that
  // would keep counting or block new events (rolling buckets, an overdue cutoff)
  clockSetBack(entity: EntityState, runtime: IndicatorRuntime): void;
  // the clock moved: calls changed(w) for each window whose value moved with it
  clockMoved(entity: EntityState, runtime: IndicatorRuntime, changed: (w: number) => void): void;
  isOpen(entity: EntityState, runtime: IndicatorRuntime, w: number, periodStart: number): boolean;
  // drops a calendar period that closed (its final value has been read)
  closePeriod(entity: EntityState, runtime: IndicatorRuntime, w: number, periodStart: number): void;
  openPeriods(
    entity: EntityState,
    runtime: IndicatorRuntime,
    visit: (w: number, start: number, end: number) => void,
  ): void;
  snapshot(entity: EntityState, runtime: IndicatorRuntime): MeasureStateSnapshot;
  // state a snapshot holds for the indicator, unless it no longer fits the definition (then dropped)
  restore(entity: EntityState, runtime: IndicatorRuntime, s: MeasureStateSnapshot): void;
}
