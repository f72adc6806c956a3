import type { CalendarWindow } from '#libs/time';
import type { CanonicalEvent } from '#libs/events';
import { isRolling, type WindowName } from '#libs/definitions';
import { assertUnreachable } from '../assert-unreachable';
import type { CompiledTerm, EventContext } from '../compiled-term';
import type { MeasureStateSnapshot, SideSnapshot, WindowSnapshot } from '../engine-snapshot';
import { currentPeriod, entityStates, periodOf, type EntityState, type OrgState } from '../engine-state';
import { openAfterEndMs, type IndicatorRuntime } from '../indicator-runtime';
import type { IndicatorValue, TooLate } from '../indicator-value';
import {
  addToTally,
  newPeriodTally,
  periodKey,
  restoreTally,
  snapshotTally,
  tallyId,
  type ParkedValue,
  type PeriodTally,
  type ValueParking,
  type ValueRef,
} from '../state/period-tally';
import { RollingColumns } from '../state/rolling-columns';
import { RollingDistinct } from '../state/rolling-distinct';
import type { CalendarState, RollingColumnsPair, RollingState, TermsState } from '../window-state';
import { emptyReading } from '../empty-reading';
import type { EngineHost, MeasureKind } from './measure-kind';

// count, sum, ratio, distinct and duration measures: a numerator term and an optional denominator,
// over rolling windows (bucket rings) and calendar periods (a tally per open period).
interface TermBinding {
  runtime: IndicatorRuntime;
  side: 0 | 1;
  term: CompiledTerm;
}

// Which terms each event type feeds, so a fold touches only the indicators that care.
function bindByType(
  runtimes: readonly IndicatorRuntime[],
  binds: (r: IndicatorRuntime) => boolean,
): Map<string, TermBinding[]> {
  const byType = new Map<string, TermBinding[]>();
  const bind = (type: string, b: TermBinding): void => {
    const list = byType.get(type);
    if (list === undefined) byType.set(type, [b]);
    else list.push(b);
  };
  for (const runtime of runtimes) {
    // Stryker disable next-line ConditionalExpression: binding every runtime adds none: manual and overdue ones have no terms, and no event has the type of a joined pair
    if (!binds(runtime)) continue;
    // Stryker disable next-line ConditionalExpression: a bound runtime (terms or joined) always has a numerator
    if (runtime.num !== null) for (const t of runtime.num.term.types) bind(t, { runtime, side: 0, term: runtime.num });
    if (runtime.den !== null) for (const t of runtime.den.term.types) bind(t, { runtime, side: 1, term: runtime.den });
  }
  return byType;
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
  private readonly byType: Map<string, TermBinding[]>;
  private readonly columns: (RollingColumnsPair | null)[][]; // [indicator index][window index]
  private readonly parking: ValueParking | undefined;
  private readonly parkable: readonly IndicatorRuntime[]; // those whose distinct sets are parked
  updates = 0; // (indicator side, window, entity) states an event was folded into (the bench reports it)

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
    this.byType = bindByType(runtimes, binds);
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
    const bindings = this.byType.get(e.type);
    // Stryker disable next-line ConditionalExpression: the engine calls fold only for the types of eventTypes
    if (bindings === undefined) return;
    for (const b of bindings) this.foldTerm(org, entities, b, e, ctx, tooLate);
  }

  private foldTerm(
    org: OrgState,
    entities: readonly EntityState[],
    b: TermBinding,
    e: CanonicalEvent,
    ctx: EventContext,
    tooLate: TooLate[],
  ): void {
    const { runtime, side, term } = b;
    if (!term.matches(e, ctx)) return;
    const amount = term.distinct ? 0 : term.amount(e, ctx);
    // Stryker disable next-line StringLiteral: the key of a term that is not distinct is never read
    const key = term.distinct ? term.key(e, ctx) : '';
    if (term.distinct ? key === '' : Number.isNaN(amount)) return;
    const t = term.timeOf(e, ctx);
    if (Number.isNaN(t)) return;
    const host = this.host;
    let ref: ValueRef | undefined; // the value as the parking files it, made when first asked
    for (let w = 0; w < runtime.windows.length; w++) {
      const spec = runtime.rolling[w];
      // Stryker disable next-line ConditionalExpression: a calendar window's spec is null, never undefined
      if (spec !== null && spec !== undefined) {
        const bucket = Math.floor(t / spec.bucketMs);
        // out of the window as of the clock: it changes nothing, whatever the state last saw
        const clockBucket = Math.floor(host.clock(org) / spec.bucketMs);
        if (bucket <= clockBucket - spec.buckets) continue;
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
        continue;
      }
      const window = runtime.windows[w] as CalendarWindow;
      const period = periodOf(org, window, t);
      if (host.tooLateFor(org, runtime, window, period, tooLate)) continue;
      // Stryker disable next-line ConditionalExpression,LogicalOperator: the parking holds only values moved out of the distinct sets of parked windows: asked elsewhere, it answers no
      const parks = term.distinct && this.parking !== undefined && PARKED_WINDOWS.has(window);
      for (const entity of entities) {
        if (!runtime.levels[entity.ref.level]) continue;
        this.updates++;
        const s = this.statesOf(entity, runtime)[w] as CalendarState;
        // most events fall in the newest period: skip the map lookup for it
        let tally =
          // Stryker disable next-line ConditionalExpression: the newest period is a cache: the map holds the same tally
          s.latest !== null && s.latest.start === period.start ? s.latest : s.periods.get(periodKey(period.start));
        if (tally === undefined) {
          tally = newPeriodTally(
            period.start,
            period.end,
            // Stryker disable next-line OptionalChaining,BooleanLiteral: a bound runtime (terms or joined) always has a numerator
            runtime.num?.distinct ?? false,
            runtime.den?.distinct ?? false,
          );
          s.periods.set(periodKey(period.start), tally);
          host.scheduleClose(entity, runtime, w, period.start, period.end);
        }
        // Stryker disable next-line ConditionalExpression,EqualityOperator: the newest period is a cache: the map holds the same tally
        if (s.latest === null || tally.start > s.latest.start) s.latest = tally;
        // a value its set lacks may have been parked out of it: counted already
        // Stryker disable next-line ConditionalExpression,EqualityOperator,OptionalChaining: the parking holds only values moved out of the distinct sets of parked windows: asked elsewhere, it answers no (a value in the set was never parked for it)
        if (parks && !(side === 0 ? tally.numKeys : tally.denKeys)?.has(key)) {
          ref ??= { org: org.org.ref.orgId, indicator: runtime.def.id, side: side === 0 ? 'num' : 'den', value: key };
          // Stryker disable next-line OptionalChaining: parks is true only with a parking
          if (this.parking?.isMember(ref, tallyId(entity.ref, window, period.start)) === true) continue;
        }
        if (addToTally(tally, side, amount, key)) host.touch(entity, runtime, w, period.start, tally);
      }
    }
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
          for (const tally of s.periods.values()) {
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
    for (const { runtime, side, term } of this.byType.get(e.type) ?? []) {
      if (!term.distinct || !this.parkable.includes(runtime) || !term.matches(e, ctx)) continue;
      const value = term.key(e, ctx);
      if (value !== '') out.push({ org: orgId, indicator: runtime.def.id, side: side === 0 ? 'num' : 'den', value });
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
        // Stryker disable next-line ConditionalExpression: the newest period is a cache: the map holds the same tally
        const tally = s.latest !== null && s.latest.start === start ? s.latest : s.periods.get(periodKey(start));
        const end = period === null ? (tally as PeriodTally).end : period.end;
        const num = tally?.num ?? 0;
        const den = runtime.den === null ? null : (tally?.den ?? 0);
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
    return s.kind === 'rolling' || s.periods.has(periodKey(periodStart));
  }

  closePeriod(entity: EntityState, runtime: IndicatorRuntime, w: number, periodStart: number): void {
    const s = (entity.states[runtime.index] as TermsState)[w] as CalendarState;
    s.periods.delete(periodKey(periodStart));
    // Stryker disable next-line ConditionalExpression,EqualityOperator,OptionalChaining: the newest period is a cache: the map holds the same tally; no event reaches a closed period
    if (s.latest?.start === periodStart) s.latest = null;
  }

  openPeriods(
    entity: EntityState,
    runtime: IndicatorRuntime,
    visit: (w: number, start: number, end: number) => void,
  ): void {
    (entity.states[runtime.index] as TermsState).forEach((s, w) => {
      if (s.kind === 'rolling') return;
      for (const p of s.periods.values()) visit(w, p.start, p.end);
    });
  }

  snapshot(entity: EntityState, runtime: IndicatorRuntime): MeasureStateSnapshot {
    const states = entity.states[runtime.index] as TermsState;
    return {
      windows: states.map((s, w): WindowSnapshot => {
        if (s.kind === 'calendar') {
          return { kind: 'calendar', window: s.window, periods: [...s.periods.values()].map(snapshotTally) };
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
    if (states.every((s) => s !== undefined)) entity.states[runtime.index] = states;
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
      case 'calendar': {
        // Stryker disable next-line OptionalChaining,BooleanLiteral: a bound runtime (terms or joined) always has a numerator
        const numDistinct = runtime.num?.distinct ?? false;
        const denDistinct = runtime.den?.distinct ?? false;
        const periods = new Map(s.periods.map((p) => [periodKey(p.start), restoreTally(p, numDistinct, denDistinct)]));
        let latest: PeriodTally | null = null;
        // Stryker disable next-line ConditionalExpression,EqualityOperator: the newest period is a cache: the map holds the same tally
        for (const p of periods.values()) if (latest === null || p.start > latest.start) latest = p;
        return { kind: 'calendar', window: s.window as CalendarWindow, periods, latest };
      }
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
      return { kind: 'calendar', window: window as CalendarWindow, periods: new Map(), latest: null };
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
