import type { CalendarWindow } from '#libs/time';
import type { CanonicalEvent } from '#libs/events';
import { isRolling, type WindowName } from '#libs/definitions';
import { assertUnreachable } from '../assert-unreachable';
import type { CompiledTerm, EventContext } from '../compiled-term';
import type { MeasureStateSnapshot, SideSnapshot, WindowSnapshot } from '../engine-snapshot';
import type { Period } from '#libs/time';
import { currentPeriod, entityStates, periodOf, type EntityState, type OrgState } from '../engine-state';
import { openAfterEndMs, type IndicatorRuntime } from '../indicator-runtime';
import type { IndicatorValue, TooLate } from '../indicator-value';
import {
  addToTally,
  newPeriodTally,
  periodKey,
  restoreTally,
  tallyId,
  type ParkedValue,
  type PeriodTallySnapshot,
  type ValueParking,
  type ValueRef,
} from '../state/period-tally';
import { PeriodRows } from '../state/period-rows';
import { RollingColumns } from '../state/rolling-columns';
import { RollingDistinct } from '../state/rolling-distinct';
import type { CalendarState, RollingColumnsPair, RollingState, TermsState } from '../window-state';
import { emptyReading } from '../empty-reading';
import type { RollingSpec } from '../windows';
import type { EngineHost, MeasureKind } from './measure-kind';

// count, sum, ratio, distinct and duration measures: a numerator term and an optional denominator,
// over rolling windows (bucket rings) and calendar periods (rows of every entity per open period).
interface TermBinding {
  runtime: IndicatorRuntime;
  side: 0 | 1;
  term: CompiledTerm;
}

// One calendar window of one indicator side.
interface CalendarBinding {
  runtime: IndicatorRuntime;
  side: 0 | 1;
  w: number; // the window's index in the indicator's windows
  openAfterMs: number; // how long after its end a period stays open for the indicator
  live: boolean; // scratch of the fold under way: the event's period is still open for the indicator
}

// One calendar window of one term: an additive term has one column in the window's period rows, added
// once per entity for every indicator side that reads it.
interface CalendarShare {
  kind: 'calendar';
  window: CalendarWindow;
  column: number; // -1 for a distinct term: each indicator keeps its own set
  bindings: CalendarBinding[];
}

// One rolling window of one indicator side: a column or a distinct set per entity.
interface RollingStep {
  kind: 'rolling';
  binding: TermBinding;
  w: number;
  spec: RollingSpec;
}

// The indicator sides that use one term (the same types, conditions, time and aggregation): the term's
// conditions, amount and time are computed once per event. Steps run in the order of the sides and
// their windows, a calendar share where its first side lists it: the order changes are reported in.
interface TermGroup {
  term: CompiledTerm;
  bindings: TermBinding[];
  steps: (RollingStep | CalendarShare)[];
}

// Where a calendar window's sides read their totals: [indicator index][window index] → column (-1:
// distinct, or not a calendar window).
interface CalendarLayout {
  columns: Map<CalendarWindow, number>; // additive terms per window: the width of its rows
  numColumn: number[][];
  denColumn: number[][];
}

// Which terms each event type feeds, so a fold touches only the indicators that care; identical terms
// form one group, and an additive one one column per calendar window.
function bindByType(
  runtimes: readonly IndicatorRuntime[],
  binds: (r: IndicatorRuntime) => boolean,
): { byType: Map<string, TermGroup[]>; layout: CalendarLayout } {
  const byType = new Map<string, TermGroup[]>();
  const groups = new Map<string, TermGroup>();
  const layout: CalendarLayout = {
    columns: new Map(),
    numColumn: runtimes.map((r) => r.windows.map(() => -1)),
    denColumn: runtimes.map((r) => r.windows.map(() => -1)),
  };
  const bind = (runtime: IndicatorRuntime, side: 0 | 1, term: CompiledTerm): void => {
    const id = JSON.stringify(term.term);
    let group = groups.get(id);
    if (group === undefined) {
      group = { term, bindings: [], steps: [] };
      groups.set(id, group);
      for (const type of term.term.types) {
        const list = byType.get(type);
        if (list === undefined) byType.set(type, [group]);
        else list.push(group);
      }
    }
    const binding: TermBinding = { runtime, side, term };
    group.bindings.push(binding);
    runtime.windows.forEach((name, w) => {
      const spec = runtime.rolling[w];
      // Stryker disable next-line ConditionalExpression: a calendar window's spec is null, never undefined
      if (spec !== null && spec !== undefined) {
        group.steps.push({ kind: 'rolling', binding, w, spec });
        return;
      }
      const window = name as CalendarWindow;
      let share = group.steps.find((c): c is CalendarShare => c.kind === 'calendar' && c.window === window);
      if (share === undefined) {
        let column = -1;
        if (!term.distinct) {
          column = layout.columns.get(window) ?? 0;
          layout.columns.set(window, column + 1);
        }
        share = { kind: 'calendar', window, column, bindings: [] };
        group.steps.push(share);
      }
      share.bindings.push({ runtime, side, w, openAfterMs: openAfterEndMs(runtime, window), live: false });
      (side === 0 ? layout.numColumn : layout.denColumn)[runtime.index]![w] = share.column;
    });
  };
  for (const runtime of runtimes) {
    // Stryker disable next-line ConditionalExpression: binding every runtime adds none: manual and overdue ones have no terms, and no event has the type of a joined pair
    if (!binds(runtime)) continue;
    // Stryker disable next-line ConditionalExpression: a bound runtime (terms or joined) always has a numerator
    if (runtime.num !== null) bind(runtime, 0, runtime.num);
    if (runtime.den !== null) bind(runtime, 1, runtime.den);
  }
  return { byType, layout };
}

// The open periods of one calendar window of one org, by periodKey(start).
interface WindowPeriods {
  periods: Map<number, PeriodRows>;
  latest: PeriodRows | null; // the newest open period, the one most events go to
}

// The calendar windows whose distinct sets are parked: those longer than a day. A day's set lives a day
// and its lateness at most, and holds the values most likely to come again within it.
const PARKED_WINDOWS: ReadonlySet<CalendarWindow> = new Set(['week', 'month', 'quarter', 'year']);

export interface TermsOptions {
  binds?: (r: IndicatorRuntime) => boolean; // the indicators it folds (default: terms)
  parking?: ValueParking; // where the values of distinct sets are parked (unset: nowhere)
}

export class TermsMeasure implements MeasureKind {
  readonly eventTypes: readonly string[];
  private readonly byType: Map<string, TermGroup[]>;
  private readonly columns: (RollingColumnsPair | null)[][]; // [indicator index][window index]
  private readonly layout: CalendarLayout;
  private readonly indicatorCount: number;
  private readonly calendars = new Map<OrgState, Map<CalendarWindow, WindowPeriods>>();
  // the org last asked for and its periods: most batches hold one org's events
  private lastOrg: OrgState | undefined;
  private lastCalendar: Map<CalendarWindow, WindowPeriods> | undefined;
  private readonly parking: ValueParking | undefined;
  private readonly parkable: readonly IndicatorRuntime[]; // those whose distinct sets are parked
  // states an event was folded into (the bench reports it): (indicator side, window, entity) for
  // rolling windows and distinct sides, (term, window, entity) for additive calendar terms
  updates = 0;

  // the joined measure keeps its pairs' tallies in a TermsMeasure of its own, binding its indicators
  constructor(
    runtimes: readonly IndicatorRuntime[],
    private readonly host: EngineHost,
    options: TermsOptions = {},
  ) {
    // Stryker disable next-line ConditionalExpression: as line 48: only terms and joined runtimes have terms to bind
    const binds = options.binds ?? ((r: IndicatorRuntime) => r.def.measure.kind === 'terms');
    this.parking = options.parking;
    this.parkable =
      this.parking === undefined
        ? // Stryker disable next-line ArrayDeclaration: a text among the parkable runtimes matches no runtime and holds no state
          []
        : runtimes.filter(
            (r) =>
              binds(r) &&
              (r.num?.distinct === true || r.den?.distinct === true) &&
              r.windows.some((w) => PARKED_WINDOWS.has(w as CalendarWindow)),
          );
    const bound = bindByType(runtimes, binds);
    this.byType = bound.byType;
    this.layout = bound.layout;
    this.indicatorCount = runtimes.length;
    this.eventTypes = [...this.byType.keys()];
    this.columns = runtimes.map((r) =>
      r.rolling.map((spec) => {
        // Stryker disable next-line ConditionalExpression: columns of a runtime no event reaches stay empty (memory only)
        if (!binds(r)) return null;
        // Stryker disable next-line ConditionalExpression: a calendar window's spec is null, never undefined
        if (spec === null || spec === undefined) return null;
        const column = (distinct: boolean | undefined) =>
          distinct === false ? new RollingColumns(spec.buckets) : null;
        // Stryker disable next-line OptionalChaining: a bound runtime (terms or joined) always has a numerator
        return { num: column(r.num?.distinct), den: column(r.den?.distinct) };
      }),
    );
  }

  fold(
    org: OrgState,
    entities: readonly EntityState[],
    e: CanonicalEvent,
    ctx: EventContext,
    tooLate: TooLate[],
  ): void {
    const groups = this.byType.get(e.type);
    // Stryker disable next-line ConditionalExpression: the engine calls fold only for the types of eventTypes
    if (groups === undefined) return;
    for (const g of groups) this.foldGroup(org, entities, g, e, ctx, tooLate);
  }

  // the term once; then each side's rolling windows, and each calendar window's rows
  private foldGroup(
    org: OrgState,
    entities: readonly EntityState[],
    g: TermGroup,
    e: CanonicalEvent,
    ctx: EventContext,
    tooLate: TooLate[],
  ): void {
    const term = g.term;
    if (!term.matches(e, ctx)) return;
    const amount = term.distinct ? 0 : term.amount(e, ctx);
    // Stryker disable next-line StringLiteral: the key of a term that is not distinct is never read
    const key = term.distinct ? term.key(e, ctx) : '';
    if (term.distinct ? key === '' : Number.isNaN(amount)) return;
    const t = term.timeOf(e, ctx);
    if (Number.isNaN(t)) return;
    for (const step of g.steps) {
      if (step.kind === 'rolling') this.foldRolling(org, entities, step, amount, key, t);
      else this.foldCalendar(org, entities, step, term, amount, key, t, tooLate);
    }
  }

  private foldRolling(
    org: OrgState,
    entities: readonly EntityState[],
    step: RollingStep,
    amount: number,
    key: string,
    t: number,
  ): void {
    const { binding, w, spec } = step;
    const { runtime, side } = binding;
    const host = this.host;
    const bucket = Math.floor(t / spec.bucketMs);
    // out of the window as of the clock: it changes nothing, whatever the state last saw
    const clockBucket = Math.floor(host.clock(org) / spec.bucketMs);
    if (bucket <= clockBucket - spec.buckets) return;
    const pair = this.pairOf(runtime, w);
    const column = side === 0 ? pair.num : pair.den;
    for (const entity of entities) {
      if (!runtime.levels[entity.ref.level]) continue;
      this.updates++;
      const s = this.statesOf(entity, runtime)[w] as RollingState;
      const changed =
        column !== null
          ? column.add(entity.slot, bucket, amount)
          : // Stryker disable next-line OptionalChaining: without a column the term is distinct, so its side has a set
            (side === 0 ? s.numDistinct : s.denDistinct)?.add(bucket, clockBucket, key) === true;
      if (changed) host.touch(entity, runtime, w, Number.NaN, s);
    }
  }

  // An additive term is added once per entity to its column of the period's rows; each indicator side
  // then opens its cell (the first time) and marks it changed.
  private foldCalendar(
    org: OrgState,
    entities: readonly EntityState[],
    share: CalendarShare,
    term: CompiledTerm,
    amount: number,
    key: string,
    t: number,
    tooLate: TooLate[],
  ): void {
    const host = this.host;
    const window = share.window;
    const period = periodOf(org, window, t);
    const clock = host.clock(org);
    let anyLive = false;
    for (const b of share.bindings) {
      // a shortcut: only a period past its deadline can be too late
      b.live = period.end + b.openAfterMs > clock || !host.tooLateFor(org, b.runtime, window, period, tooLate);
      if (b.live) anyLive = true;
    }
    if (!anyLive) return;
    // Stryker disable next-line ConditionalExpression,LogicalOperator: the parking holds only values moved out of the distinct sets of parked windows: asked elsewhere, it answers no
    const parks = term.distinct && this.parking !== undefined && PARKED_WINDOWS.has(window);
    let rows: PeriodRows | undefined; // made when an entity first takes the event
    for (const entity of entities) {
      const level = entity.ref.level;
      let first = true;
      for (const b of share.bindings) {
        const runtime = b.runtime;
        if (!b.live || !runtime.levels[level]) continue;
        if (first) {
          first = false;
          rows ??= this.rowsOf(org, window, period);
          rows.ensure(entity.row);
          if (share.column >= 0) {
            this.updates++;
            rows.add(entity.row, share.column, amount);
          }
        }
        if (rows === undefined) continue; // for the type checker: made above
        const cell = rows.cell(entity.row, runtime.index);
        if (rows.openCell(cell)) {
          this.statesOf(entity, runtime);
          host.scheduleClose(entity, runtime, b.w, period.start, period.end);
        }
        if (term.distinct && !this.addKey(org, entity, runtime, b.side, window, rows, cell, key, parks)) continue;
        host.touchCell(entity, runtime, b.w, period.start, rows.reportedAt, cell);
      }
    }
  }

  // adds a distinct value to the indicator side's set of the period; true when it was new
  private addKey(
    org: OrgState,
    entity: EntityState,
    runtime: IndicatorRuntime,
    side: 0 | 1,
    window: CalendarWindow,
    rows: PeriodRows,
    cell: number,
    key: string,
    parks: boolean,
  ): boolean {
    this.updates++;
    let tally = rows.distinct.get(cell);
    if (tally === undefined) {
      tally = newPeriodTally(
        rows.start,
        rows.end,
        // Stryker disable next-line OptionalChaining,BooleanLiteral: a bound runtime (terms or joined) always has a numerator
        runtime.num?.distinct ?? false,
        runtime.den?.distinct ?? false,
      );
      rows.distinct.set(cell, tally);
    }
    // a value its set lacks may have been parked out of it: counted already
    // Stryker disable next-line ConditionalExpression,EqualityOperator,OptionalChaining: the parking holds only values moved out of the distinct sets of parked windows: asked elsewhere, it answers no (a value in the set was never parked for it)
    if (parks && !(side === 0 ? tally.numKeys : tally.denKeys)?.has(key)) {
      const ref = {
        org: org.org.ref.orgId,
        indicator: runtime.def.id,
        side: side === 0 ? 'num' : 'den',
        value: key,
      } as const;
      // Stryker disable next-line OptionalChaining: parks is true only with a parking
      if (this.parking?.isMember(ref, tallyId(entity.ref, window, rows.start)) === true) return false;
    }
    return addToTally(tally, side, 0, key);
  }

  // the org's rows of the window's period, made when first needed
  private rowsOf(org: OrgState, window: CalendarWindow, period: Period): PeriodRows {
    const periods = this.periodsOf(org, window);
    const latest = periods.latest;
    // most events fall in the newest period: skip the map lookup for it
    if (latest !== null && latest.start === period.start) return latest;
    let rows = periods.periods.get(periodKey(period.start));
    if (rows === undefined) {
      const width = this.layout.columns.get(window) ?? 0;
      rows = new PeriodRows(period.start, period.end, width, this.indicatorCount, org.entityCount);
      periods.periods.set(periodKey(period.start), rows);
    }
    if (latest === null || rows.start > latest.start) periods.latest = rows;
    return rows;
  }

  private calendarOf(org: OrgState): Map<CalendarWindow, WindowPeriods> | undefined {
    if (org !== this.lastOrg) {
      this.lastOrg = org;
      this.lastCalendar = this.calendars.get(org);
    }
    return this.lastCalendar;
  }

  private periodsOf(org: OrgState, window: CalendarWindow): WindowPeriods {
    let byWindow = this.calendarOf(org);
    if (byWindow === undefined) {
      byWindow = new Map();
      this.calendars.set(org, byWindow);
      this.lastCalendar = byWindow;
    }
    let periods = byWindow.get(window);
    if (periods === undefined) {
      periods = { periods: new Map(), latest: null };
      byWindow.set(window, periods);
    }
    return periods;
  }

  // the rows of an open period, if any entity holds it
  private findRows(org: OrgState, window: CalendarWindow, start: number): PeriodRows | undefined {
    const periods = this.calendarOf(org)?.get(window);
    if (periods === undefined) return undefined;
    // Stryker disable next-line ConditionalExpression: the newest period is a cache: the map holds the same rows
    if (periods.latest !== null && periods.latest.start === start) return periods.latest;
    return periods.periods.get(periodKey(start));
  }

  // the open periods of an (entity, indicator, window), oldest made first
  private *openRowsOf(entity: EntityState, runtime: IndicatorRuntime, window: CalendarWindow): Iterable<PeriodRows> {
    const periods = this.calendarOf(entity.org)?.get(window);
    if (periods === undefined) return;
    for (const rows of periods.periods.values()) if (rows.isOpen(entity.row, runtime.index)) yield rows;
  }

  // an indicator side's total of a period (0 where the entity has not opened it)
  private sideOf(
    rows: PeriodRows | undefined,
    entity: EntityState,
    runtime: IndicatorRuntime,
    w: number,
    side: 0 | 1,
  ): number {
    if (rows === undefined || !rows.isOpen(entity.row, runtime.index)) return 0;
    const column = (side === 0 ? this.layout.numColumn : this.layout.denColumn)[runtime.index]?.[w] ?? -1;
    if (column >= 0) return rows.sum(entity.row, column);
    const tally = rows.distinct.get(rows.cell(entity.row, runtime.index));
    return tally === undefined ? 0 : side === 0 ? tally.num : tally.den;
  }

  // Moves the values of the org's open distinct tallies of parked windows out of their sets, for the
  // caller to store: one row per value, with every tally it counts in. The counts stay.
  park(org: OrgState, out: ParkedValue[]): void {
    const rows = new Map<string, ParkedValue>();
    for (const entity of entityStates(org)) {
      for (const runtime of this.parkable) {
        const states = entity.states[runtime.index] as TermsState | undefined;
        // Stryker disable next-line ArrayDeclaration: a text has no calendar kind: skipped like a missing state
        for (const s of states ?? []) {
          // Stryker disable next-line ConditionalExpression: a rolling window is not one of PARKED_WINDOWS either
          if (s.kind !== 'calendar' || !PARKED_WINDOWS.has(s.window)) continue;
          for (const periodRows of this.openRowsOf(entity, runtime, s.window)) {
            const tally = periodRows.distinct.get(periodRows.cell(entity.row, runtime.index));
            if (tally === undefined) continue;
            const member = tallyId(entity.ref, s.window, tally.start);
            const expiresMs = tally.end + openAfterEndMs(runtime, s.window);
            const moveOut = (keys: Set<string> | null, side: ValueRef['side']): void => {
              if (keys === null) return;
              for (const value of keys) {
                const id = JSON.stringify([runtime.index, side, value]);
                const row = rows.get(id);
                if (row === undefined)
                  rows.set(id, {
                    ref: { org: org.org.ref.orgId, indicator: runtime.def.id, side, value },
                    tallies: [member],
                    expiresMs,
                  });
                else {
                  row.tallies.push(member);
                  if (expiresMs > row.expiresMs) row.expiresMs = expiresMs;
                }
              }
              keys.clear();
            };
            moveOut(tally.numKeys, 'num');
            moveOut(tally.denKeys, 'den');
          }
        }
      }
    }
    for (const row of rows.values()) out.push(row);
  }

  // The values of parked distinct sets the event names (its org's, as the engine folds it), for the
  // caller to look up before the fold.
  refsOf(orgId: string, e: CanonicalEvent, ctx: EventContext, out: ValueRef[]): void {
    // Stryker disable next-line ConditionalExpression: a shortcut: with nothing parkable the loop pushes nothing
    if (this.parkable.length === 0) return;
    for (const g of this.byType.get(e.type) ?? []) {
      for (const { runtime, side, term } of g.bindings) {
        if (!term.distinct || !this.parkable.includes(runtime) || !term.matches(e, ctx)) continue;
        const value = term.key(e, ctx);
        if (value !== '') out.push({ org: orgId, indicator: runtime.def.id, side: side === 0 ? 'num' : 'den', value });
      }
    }
  }

  read(entity: EntityState, runtime: IndicatorRuntime, w: number, periodStart: number): IndicatorValue {
    const window = runtime.windows[w] as WindowName;
    const s = (entity.states[runtime.index] as TermsState)[w] as RollingState | CalendarState;
    const clock = this.host.clock(entity.org);
    switch (s.kind) {
      case 'rolling': {
        const bucket = Math.floor(clock / s.spec.bucketMs);
        const [num, den] = this.rollingTotals(entity, runtime, w, s, bucket);
        const periodStart = (bucket - s.spec.buckets + 1) * s.spec.bucketMs;
        return ratio(runtime, entity, window, periodStart, clock, num, den);
      }
      case 'calendar': {
        const period = Number.isNaN(periodStart) ? currentPeriod(entity.org, window, clock) : null;
        const start = period === null ? periodStart : period.start;
        const rows = this.findRows(entity.org, s.window, start);
        const end = period === null ? (rows as PeriodRows).end : period.end;
        const num = this.sideOf(rows, entity, runtime, w, 0);
        const den = runtime.den === null ? null : this.sideOf(rows, entity, runtime, w, 1);
        return ratio(runtime, entity, window, start, end, num, den);
      }
      // Stryker disable next-line ConditionalExpression: an exhaustive switch
      default:
        return assertUnreachable(s);
    }
  }

  empty(runtime: IndicatorRuntime): Pick<IndicatorValue, 'value' | 'numerator' | 'denominator'> {
    return emptyReading(runtime.def.measure);
  }

  // rolling buckets ahead of the clock are dropped; calendar periods ahead are kept (an indicator timed by
  // a due date holds periods ahead of the clock by design, and the current periods do not read them)
  clockSetBack(entity: EntityState, runtime: IndicatorRuntime): void {
    const states = entity.states[runtime.index] as TermsState;
    const clock = this.host.clock(entity.org);
    states.forEach((s, w) => {
      if (s.kind !== 'rolling') return;
      const bucket = Math.floor(clock / s.spec.bucketMs);
      const pair = this.pairOf(runtime, w);
      pair.num?.clip(entity.slot, bucket);
      pair.den?.clip(entity.slot, bucket);
      s.numDistinct?.clip(bucket);
      s.denDistinct?.clip(bucket);
    });
  }

  // rolling windows decay as the clock passes their buckets
  clockMoved(entity: EntityState, runtime: IndicatorRuntime, changed: (w: number) => void): void {
    const states = entity.states[runtime.index] as TermsState;
    for (let w = 0; w < states.length; w++) {
      const s = states[w] as RollingState | CalendarState;
      if (s.kind === 'rolling' && this.decays(entity, runtime, w, s)) changed(w);
    }
  }

  isOpen(entity: EntityState, runtime: IndicatorRuntime, w: number, periodStart: number): boolean {
    const s = (entity.states[runtime.index] as TermsState)[w] as RollingState | CalendarState;
    // Stryker disable next-line ConditionalExpression,StringLiteral: asked of calendar periods only (a rolling window reports no period)
    if (s.kind === 'rolling') return true;
    return this.findRows(entity.org, s.window, periodStart)?.isOpen(entity.row, runtime.index) === true;
  }

  // the indicator lets go of the entity's period; the rows go when no indicator holds them any more
  closePeriod(entity: EntityState, runtime: IndicatorRuntime, w: number, periodStart: number): void {
    const s = (entity.states[runtime.index] as TermsState)[w] as CalendarState;
    const rows = this.findRows(entity.org, s.window, periodStart);
    if (rows === undefined) return;
    rows.closeCell(rows.cell(entity.row, runtime.index));
    if (rows.openCells > 0) return;
    const periods = this.periodsOf(entity.org, s.window);
    periods.periods.delete(periodKey(periodStart));
    // Stryker disable next-line ConditionalExpression,EqualityOperator,OptionalChaining: the newest period is a cache: the map holds the same rows; no event reaches a closed period
    if (periods.latest?.start === periodStart) periods.latest = null;
  }

  openPeriods(
    entity: EntityState,
    runtime: IndicatorRuntime,
    visit: (w: number, start: number, end: number) => void,
  ): void {
    (entity.states[runtime.index] as TermsState).forEach((s, w) => {
      if (s.kind === 'rolling') return;
      for (const rows of this.openRowsOf(entity, runtime, s.window)) visit(w, rows.start, rows.end);
    });
  }

  snapshot(entity: EntityState, runtime: IndicatorRuntime): MeasureStateSnapshot {
    const states = entity.states[runtime.index] as TermsState;
    return {
      windows: states.map((s, w): WindowSnapshot => {
        if (s.kind === 'calendar') {
          const periods = [...this.openRowsOf(entity, runtime, s.window)].map((rows) =>
            this.snapshotPeriod(rows, entity, runtime, w),
          );
          return { kind: 'calendar', window: s.window, periods };
        }
        const pair = this.pairOf(runtime, w);
        return {
          kind: 'rolling',
          window: s.window,
          num: sideSnapshot(entity, pair.num, s.numDistinct),
          den: runtime.den === null ? null : sideSnapshot(entity, pair.den, s.denDistinct),
        };
      }),
    };
  }

  restore(entity: EntityState, runtime: IndicatorRuntime, snap: MeasureStateSnapshot): void {
    if (snap.windows === undefined || snap.windows.length !== runtime.windows.length) return;
    const states = snap.windows.map((s, w) => this.restoreWindow(entity, runtime, w, s));
    if (!states.every((s) => s !== undefined)) return;
    entity.states[runtime.index] = states;
    // the periods go into the org's rows once the whole state fits the definition
    snap.windows.forEach((s, w) => {
      if (s.kind === 'calendar')
        for (const p of s.periods) this.restorePeriod(entity, runtime, w, s.window as CalendarWindow, p);
    });
  }

  private restoreWindow(
    entity: EntityState,
    runtime: IndicatorRuntime,
    w: number,
    s: WindowSnapshot,
  ): RollingState | CalendarState | undefined {
    if (runtime.windows[w] !== s.window) return undefined;
    switch (s.kind) {
      case 'rolling':
        return this.restoreRolling(entity, runtime, w, s);
      case 'calendar':
        return { kind: 'calendar', window: s.window as CalendarWindow };
      case 'manual':
        return undefined; // the indicator was a manual one: its scores do not fit terms
      // Stryker disable next-line ConditionalExpression: an exhaustive switch
      default:
        return assertUnreachable(s);
    }
  }

  private restoreRolling(
    entity: EntityState,
    runtime: IndicatorRuntime,
    w: number,
    snap: Extract<WindowSnapshot, { kind: 'rolling' }>,
  ): RollingState | undefined {
    const pair = this.pairOf(runtime, w);
    const spec = runtime.rolling[w];
    // Stryker disable next-line ConditionalExpression,LogicalOperator: the window names matched (restoreWindow): a rolling name has its spec
    if (spec === null || spec === undefined) return undefined;
    // Stryker disable next-line OptionalChaining,BooleanLiteral: a bound runtime (terms or joined) always has a numerator
    if (snap.num.distinct !== (runtime.num?.distinct ?? false)) return undefined;
    if (
      (snap.den === null) !== (runtime.den === null) ||
      // Stryker disable next-line OptionalChaining: a denominator on one side only has returned above
      (snap.den !== null && snap.den.distinct !== runtime.den?.distinct)
    ) {
      return undefined;
    }
    const side = (column: RollingColumns | null, side: SideSnapshot | null): RollingDistinct | null => {
      if (side === null) return null;
      if (!side.distinct) {
        // Stryker disable next-line OptionalChaining: the sides matched above: a side that is not distinct has its column
        column?.restore(entity.slot, side.state);
        return null;
      }
      return RollingDistinct.restore(spec.buckets, side.state);
    };
    return {
      kind: 'rolling',
      window: snap.window as RollingState['window'],
      spec,
      touchedAt: 0,
      numDistinct: side(pair.num, snap.num),
      denDistinct: side(pair.den, snap.den),
    };
  }

  // a period as the snapshot has always held it: the tally of one (entity, indicator, window)
  private snapshotPeriod(
    rows: PeriodRows,
    entity: EntityState,
    runtime: IndicatorRuntime,
    w: number,
  ): PeriodTallySnapshot {
    const snap: PeriodTallySnapshot = {
      start: rows.start,
      end: rows.end,
      num: this.sideOf(rows, entity, runtime, w, 0),
      den: runtime.den === null ? 0 : this.sideOf(rows, entity, runtime, w, 1),
    };
    const tally = rows.distinct.get(rows.cell(entity.row, runtime.index));
    if (tally !== undefined && tally.numKeys !== null) snap.numKeys = [...tally.numKeys];
    if (tally !== undefined && tally.denKeys !== null) snap.denKeys = [...tally.denKeys];
    return snap;
  }

  // An additive side's total goes to its term's column: indicators that share the term held the same.
  private restorePeriod(
    entity: EntityState,
    runtime: IndicatorRuntime,
    w: number,
    window: CalendarWindow,
    p: PeriodTallySnapshot,
  ): void {
    const rows = this.rowsOf(entity.org, window, { start: p.start, end: p.end });
    rows.ensure(entity.row);
    const cell = rows.cell(entity.row, runtime.index);
    rows.openCell(cell);
    const numColumn = this.layout.numColumn[runtime.index]?.[w] ?? -1;
    const denColumn = this.layout.denColumn[runtime.index]?.[w] ?? -1;
    if (numColumn >= 0) rows.setSum(entity.row, numColumn, p.num);
    if (denColumn >= 0 && runtime.den !== null) rows.setSum(entity.row, denColumn, p.den);
    // Stryker disable next-line OptionalChaining,BooleanLiteral: a bound runtime (terms or joined) always has a numerator
    const numDistinct = runtime.num?.distinct ?? false;
    const denDistinct = runtime.den?.distinct ?? false;
    if (numDistinct || denDistinct) rows.distinct.set(cell, restoreTally(p, numDistinct, denDistinct));
  }

  private pairOf(runtime: IndicatorRuntime, w: number): RollingColumnsPair {
    return this.columns[runtime.index]?.[w] as RollingColumnsPair;
  }

  private statesOf(entity: EntityState, runtime: IndicatorRuntime): TermsState {
    let states = entity.states[runtime.index] as TermsState | undefined;
    if (states === undefined) {
      states = this.newStates(entity, runtime);
      entity.states[runtime.index] = states;
    }
    return states;
  }

  private newStates(entity: EntityState, runtime: IndicatorRuntime): TermsState {
    return runtime.windows.map((window, w): RollingState | CalendarState => {
      const spec = runtime.rolling[w];
      // Stryker disable next-line ConditionalExpression,LogicalOperator: a window has a spec exactly when it is rolling
      if (isRolling(window) && spec !== null && spec !== undefined) {
        const pair = this.pairOf(runtime, w);
        pair.num?.ensure(entity.slot);
        pair.den?.ensure(entity.slot);
        // Stryker disable next-line ConditionalExpression: a distinct set beside a column is never read (the column comes first)
        const distinct = (d: boolean | undefined) => (d === true ? new RollingDistinct(spec.buckets) : null);
        return {
          kind: 'rolling',
          window,
          spec,
          touchedAt: 0,
          // Stryker disable next-line OptionalChaining: a bound runtime (terms or joined) always has a numerator
          numDistinct: distinct(runtime.num?.distinct),
          denDistinct: distinct(runtime.den?.distinct),
        };
      }
      return { kind: 'calendar', window: window as CalendarWindow };
    });
  }

  private decays(entity: EntityState, runtime: IndicatorRuntime, w: number, s: RollingState): boolean {
    const bucket = Math.floor(this.host.clock(entity.org) / s.spec.bucketMs);
    const [numBefore, denBefore] = this.rollingTotals(entity, runtime, w, s, Number.NaN);
    const [num, den] = this.rollingTotals(entity, runtime, w, s, bucket);
    return num !== numBefore || den !== denBefore;
  }

  // numerator and denominator of a rolling window as of clockBucket (NaN: as last advanced, unmoved)
  private rollingTotals(
    entity: EntityState,
    runtime: IndicatorRuntime,
    w: number,
    s: RollingState,
    clockBucket: number,
  ): [number, number | null] {
    const pair = this.pairOf(runtime, w);
    const side = (column: RollingColumns | null, distinct: RollingDistinct | null): number => {
      if (column !== null)
        return Number.isNaN(clockBucket) ? column.current(entity.slot) : column.total(entity.slot, clockBucket);
      // Stryker disable next-line ConditionalExpression: a side always has a column or a distinct set (the denominator is read only when defined)
      if (distinct === null) return 0;
      return Number.isNaN(clockBucket) ? distinct.current : distinct.total(clockBucket);
    };
    const num = side(pair.num, s.numDistinct);
    return [num, runtime.den === null ? null : side(pair.den, s.denDistinct)];
  }
}

function ratio(
  runtime: IndicatorRuntime,
  entity: EntityState,
  window: WindowName,
  periodStart: number,
  periodEnd: number,
  num: number,
  den: number | null,
): IndicatorValue {
  const value = den === null ? num * runtime.scale : den === 0 ? null : (num / den) * runtime.scale;
  return {
    indicator: runtime.def.id,
    entity: entity.ref,
    window,
    periodStart,
    periodEnd,
    value,
    numerator: num,
    denominator: den,
  };
}

function sideSnapshot(
  entity: EntityState,
  column: RollingColumns | null,
  distinct: RollingDistinct | null,
): SideSnapshot {
  return column !== null
    ? { distinct: false, state: column.snapshot(entity.slot) }
    : { distinct: true, state: (distinct as RollingDistinct).snapshot() };
}
