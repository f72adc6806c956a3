import { isRolling } from '#libs/definitions';
import { idempotencyKey, type CanonicalEvent } from '#libs/events';
import { compileGetter, compileTerm, type CompiledTerm, type EventContext } from '../compiled-term';
import type { MeasureStateSnapshot } from '../engine-snapshot';
import { periodOf, type EntityState, type OrgState } from '../engine-state';
import { pairType, type IndicatorRuntime } from '../indicator-runtime';
import type { IndicatorValue, TooLate } from '../indicator-value';
import { CloseQueue } from '../close-queue';
import {
  deadlineOf,
  isBefore,
  landingOf,
  latestArrivalOf,
  newJourney,
  newJourneyBook,
  restoreJourney,
  sameLanding,
  snapshotJourney,
  type Arrival,
  type JoinedDef,
  type Journey,
  type JourneyBook,
  type JourneyParking,
  type JourneyRef,
  type Landing,
  type Owner,
  type ParkedJourney,
} from '../state/journey-book';
import type { EngineHost, MeasureKind } from './measure-kind';
import { TermsMeasure } from './terms.measure';

interface Join {
  runtime: IndicatorRuntime;
  def: JoinedDef;
  key: (e: CanonicalEvent, ctx: EventContext) => unknown;
  from: CompiledTerm;
  to: CompiledTerm;
}

const isJoined = (r: IndicatorRuntime): boolean =>
  // Stryker disable next-line ConditionalExpression: binding others too costs memory only: no pair is of their types
  r.def.measure.kind === 'lifecycle' || r.def.measure.kind === 'conversion';

// Lifecycle and conversion indicators (docs/definitions.md "Lifecycle measures"): the org's open keys
// per indicator (state/journey-book.ts) join a `from` and a `to` event of the same key, whatever order
// they arrive in; each key's pair lands as a value and a count at one instant for one owner, and moves
// when a better pair arrives. Those values and counts are tallied like a terms ratio (sum ÷ count) by
// a TermsMeasure of the pair type, which keeps windows, periods, closing and snapshots as for terms.
export class JoinedMeasure implements MeasureKind {
  readonly eventTypes: readonly string[];
  private readonly byType = new Map<string, Join[]>();
  // Stryker disable next-line ArrayDeclaration: read only at the indices of joined indicators
  private readonly joins: (Join | undefined)[] = []; // by indicator index
  private readonly tallies: TermsMeasure;

  constructor(
    runtimes: readonly IndicatorRuntime[],
    private readonly host: EngineHost,
    private readonly parking: JourneyParking | undefined,
  ) {
    this.tallies = new TermsMeasure(runtimes, host, { binds: isJoined });
    for (const runtime of runtimes) {
      const def = runtime.def.measure;
      if (def.kind !== 'lifecycle' && def.kind !== 'conversion') continue;
      const join: Join = {
        runtime,
        def,
        key: compileGetter(def.key),
        from: compileTerm(def.from),
        to: compileTerm(def.to),
      };
      this.joins[runtime.index] = join;
      for (const type of new Set([...def.from.types, ...def.to.types])) {
        const list = this.byType.get(type);
        if (list === undefined) this.byType.set(type, [join]);
        else list.push(join);
      }
    }
    this.eventTypes = [...this.byType.keys()];
  }

  fold(
    org: OrgState,
    entities: readonly EntityState[],
    e: CanonicalEvent,
    ctx: EventContext,
    tooLate: TooLate[],
  ): void {
    const joins = this.byType.get(e.type);
    // Stryker disable next-line ConditionalExpression: the engine routes only the types listed here
    if (joins === undefined) return;
    for (const join of joins) this.foldJoin(org, entities, join, e, ctx, tooLate);
  }

  private foldJoin(
    org: OrgState,
    entities: readonly EntityState[],
    join: Join,
    e: CanonicalEvent,
    ctx: EventContext,
    tooLate: TooLate[],
  ): void {
    const isFrom = join.def.from.types.includes(e.type) && join.from.matches(e, ctx);
    const isTo = join.def.to.types.includes(e.type) && join.to.matches(e, ctx);
    if (!isFrom && !isTo) return;
    const key = keyOf(join, e, ctx);
    if (key === '') return;
    const { runtime } = join;
    const book = this.bookOf(org, runtime);
    this.settle(org, join, book, ctx.timeMs);
    // as late as a period closes (time + allowed lateness ≤ clock): the pair it would move may have closed
    if (!this.host.ignoresLateness && ctx.timeMs + runtime.latenessMs <= book.clockMs) {
      this.noteTooLate(org, runtime, ctx.timeMs, tooLate);
      return;
    }
    let journey = book.keys.get(key) ?? this.recall(org, join, book, key);
    if (journey === undefined) {
      journey = newJourney();
      book.keys.set(key, journey);
    }
    const arrival: Arrival = {
      t: ctx.timeMs,
      key: idempotencyKey(e),
      team: entities.find((x) => x.ref.level === 'team')?.ref.id,
      agent: entities.find((x) => x.ref.level === 'agent')?.ref.id,
    };
    const deadline = deadlineOf(join.def, journey, runtime.latenessMs);
    if (isFrom && (journey.from === null || isBefore(arrival, journey.from))) journey.from = arrival;
    // Stryker disable next-line ArrowFunction,ConditionalExpression: a repeat of a `to` lands where it did
    if (isTo && !journey.tos.some((to) => to.key === arrival.key)) journey.tos.push(arrival);
    // a new key's deadline (none before: -∞) or a moved one is queued; the old entry is skipped when due
    const moved = deadlineOf(join.def, journey, runtime.latenessMs);
    if (moved !== deadline) book.deadlines.push(moved, key);
    this.host.held();
    this.land(org, join, book, journey, tooLate);
  }

  // A parked key named again comes back to memory with its deadline (none: it is new, or was dropped).
  private recall(org: OrgState, join: Join, book: JourneyBook, key: string): Journey | undefined {
    if (this.parking === undefined) return undefined;
    const ref = refOf(org, join, key);
    const parked = this.parking.recall(ref);
    if (parked === undefined) return undefined;
    const journey = restoreJourney(parked);
    journey.stored = true;
    const deadline = deadlineOf(join.def, journey, join.runtime.latenessMs);
    // in memory it would have been dropped by now: so it is (and counted, if it counted for nothing)
    if (deadline <= book.clockMs) {
      this.parking.forget(ref);
      return undefined;
    }
    if (journey.landed === null) book.uncounted.remove(deadline);
    book.keys.set(key, journey);
    book.deadlines.push(deadline, key);
    return journey;
  }

  // Moves the key's pair to where it should count now: out of its old tallies, into the new ones. A
  // pair whose period has closed stays there (closed periods are final): the change is too late.
  private land(org: OrgState, join: Join, book: JourneyBook, journey: Journey, tooLate: TooLate[]): void {
    const { runtime } = join;
    const want = landingOf(join.def, journey, book.clockMs, runtime.latenessMs);
    const was = journey.landed;
    if (sameLanding(want, was)) return;
    if (was !== null && this.closedAt(org, runtime, was.t, tooLate)) return;
    if (was !== null) this.add(org, runtime, was, -1, tooLate);
    // Stryker disable next-line ConditionalExpression: a pair that landed never unlands (want is not null here)
    if (want !== null) this.add(org, runtime, want, 1, tooLate);
    journey.landed = want;
  }

  private closedAt(org: OrgState, runtime: IndicatorRuntime, t: number, tooLate: TooLate[]): boolean {
    let closed = false;
    runtime.windows.forEach((window) => {
      if (isRolling(window)) return;
      const period = periodOf(org, window, t);
      if (this.host.tooLateFor(org, runtime, window, period, tooLate)) closed = true;
    });
    return closed;
  }

  private add(org: OrgState, runtime: IndicatorRuntime, l: Landing, sign: 1 | -1, tooLate: TooLate[]): void {
    // Stryker disable StringLiteral,ArithmeticOperator: the tallies read only the type and the data; a count is 1
    const pair: CanonicalEvent = {
      specversion: '1.0',
      id: '',
      source: '',
      type: pairType(runtime.def.id),
      time: '',
      data: { orgId: org.org.ref.orgId, value: sign * l.value, count: sign * l.count },
    };
    // Stryker restore StringLiteral,ArithmeticOperator
    this.tallies.fold(org, this.ownerEntities(org, l), pair, { timeMs: l.t, timeZone: org.settings.timeZone }, tooLate);
  }

  private ownerEntities(org: OrgState, owner: Owner): EntityState[] {
    const list = [org.org];
    if (owner.team !== undefined) list.push(this.host.entity(org, 'team', owner.team));
    // Stryker disable next-line StringLiteral: the owner's agent exists already (its event made it): found by id
    if (owner.agent !== undefined) list.push(this.host.entity(org, 'agent', owner.agent));
    return list;
  }

  private noteTooLate(org: OrgState, runtime: IndicatorRuntime, t: number, tooLate: TooLate[]): void {
    runtime.windows.forEach((window) => {
      if (isRolling(window)) return;
      tooLate.push({ indicator: runtime.def.id, window, periodStart: periodOf(org, window, t).start });
    });
  }

  // An event of the type at toMs is about to move the org's clock: the clocks of the indicators it goes to
  // move first, so that what they settle lands before the periods the org's move closes.
  settleBy(org: OrgState, type: string, toMs: number): void {
    for (const join of this.byType.get(type) ?? []) this.settle(org, join, this.bookOf(org, join.runtime), toMs);
  }

  // An idle tick of the org to toMs: every joined indicator's clock moves there.
  advance(org: OrgState, toMs: number): void {
    for (const [index, book] of org.journeys) this.settle(org, this.joins[index] as Join, book, toMs);
  }

  // The indicator's clock moves to toMs: each key whose deadline it reaches is settled as of that deadline
  // (the clock stepping there first): a conversion whose window has passed lands as not converted, in a
  // period still open then; then keys nothing can change any more are dropped (kept in batch runs, where
  // nothing is ever too late).
  private settle(org: OrgState, join: Join, book: JourneyBook, toMs: number): void {
    // Stryker disable next-line EqualityOperator: moving a clock to where it is settles nothing
    if (!(toMs > book.clockMs)) return;
    for (let n = book.uncounted.popDue(toMs); n > 0; n--) this.host.noteExpiredKey();
    for (const key of book.deadlines.popDue(toMs)) {
      const journey = book.keys.get(key);
      // Stryker disable next-line ConditionalExpression: a key's last entry is its deadline, popped last
      if (journey === undefined) continue;
      const deadline = deadlineOf(join.def, journey, join.runtime.latenessMs);
      if (deadline > toMs) continue; // moved since: a later entry of the queue settles it
      // Stryker disable next-line ConditionalExpression,EqualityOperator: a deadline due now is past the clock
      if (deadline > book.clockMs) book.clockMs = deadline;
      // Stryker disable next-line ArrayDeclaration: what it would note too late is dropped either way
      this.land(org, join, book, journey, []);
      if (this.host.ignoresLateness) continue;
      book.keys.delete(key);
      // Stryker disable next-line OptionalChaining: only a parking stores keys
      if (journey.stored === true) this.parking?.forget(refOf(org, join, key));
      if (journey.landed === null) this.host.noteExpiredKey();
    }
    book.clockMs = toMs;
  }

  // Moves out of memory the keys that heard nothing for quietMs of their indicator's clock: a late event
  // may still move them, so they are parked (the caller stores them), not dropped. A key whose deadline
  // would land it (a conversion's miss) stays: only memory settles keys at their deadline.
  park(org: OrgState, quietMs: number, out: ParkedJourney[]): void {
    for (const [index, book] of org.journeys) {
      const join = this.joins[index] as Join;
      const { latenessMs } = join.runtime;
      const before = out.length;
      for (const [key, journey] of book.keys) {
        if (latestArrivalOf(journey) + quietMs > book.clockMs) continue;
        const deadlineMs = deadlineOf(join.def, journey, latenessMs);
        if (!sameLanding(landingOf(join.def, journey, deadlineMs, latenessMs), journey.landed)) continue;
        if (journey.landed === null) book.uncounted.add(deadlineMs);
        out.push({ ref: refOf(org, join, key), deadlineMs, journey: snapshotJourney(journey) });
        book.keys.delete(key);
      }
      // Stryker disable next-line all: rebuilding a queue that lost nothing gives the same queue
      if (out.length === before) continue;
      // the queue would keep every parked key's name: it is rebuilt from the keys in memory
      book.deadlines = new CloseQueue();
      for (const [key, journey] of book.keys)
        book.deadlines.push(deadlineOf(join.def, journey, join.runtime.latenessMs), key);
    }
  }

  // The keys of joined indicators the event names that memory does not hold (org: undefined when new).
  refsOf(orgId: string, org: OrgState | undefined, e: CanonicalEvent, ctx: EventContext, out: JourneyRef[]): void {
    for (const join of this.byType.get(e.type) ?? []) {
      const key = keyOf(join, e, ctx);
      if (key === '' || org?.journeys.get(join.runtime.index)?.keys.has(key) === true) continue;
      out.push({ org: orgId, indicator: join.runtime.def.id, key });
    }
  }

  // each joined indicator's clock: the store forgets parked keys whose deadline it passed
  clocksOf(org: OrgState, out: { org: string; indicator: string; clockMs: number }[]): void {
    for (const [index, book] of org.journeys)
      if (Number.isFinite(book.clockMs))
        out.push({
          org: org.org.ref.orgId,
          indicator: (this.joins[index] as Join).runtime.def.id,
          clockMs: book.clockMs,
        });
  }

  // A restored clock beyond the time bound is set back to it, as the org's is.
  clampClocks(org: OrgState, limitMs: number): void {
    // Stryker disable next-line EqualityOperator: setting a clock to where it is
    for (const book of org.journeys.values()) if (book.clockMs > limitMs) book.clockMs = limitMs;
  }

  private bookOf(org: OrgState, runtime: IndicatorRuntime): JourneyBook {
    let book = org.journeys.get(runtime.index);
    if (book === undefined) {
      // the first event of its types starts its clock, however far other sources have moved the org's
      book = newJourneyBook(Number.NEGATIVE_INFINITY);
      org.journeys.set(runtime.index, book);
    }
    return book;
  }

  // a restored book, with each key's deadline back in its queue
  scheduled(runtime: IndicatorRuntime, book: JourneyBook): JourneyBook {
    const join = this.joins[runtime.index] as Join;
    for (const [key, journey] of book.keys) book.deadlines.push(deadlineOf(join.def, journey, runtime.latenessMs), key);
    return book;
  }

  read(entity: EntityState, runtime: IndicatorRuntime, w: number, periodStart: number): IndicatorValue {
    return this.tallies.read(entity, runtime, w, periodStart);
  }

  empty(runtime: IndicatorRuntime): Pick<IndicatorValue, 'value' | 'numerator' | 'denominator'> {
    return this.tallies.empty(runtime);
  }

  clockSetBack(entity: EntityState, runtime: IndicatorRuntime): void {
    this.tallies.clockSetBack(entity, runtime);
  }

  clockMoved(entity: EntityState, runtime: IndicatorRuntime, changed: (w: number) => void): void {
    this.tallies.clockMoved(entity, runtime, changed);
  }

  isOpen(entity: EntityState, runtime: IndicatorRuntime, w: number, periodStart: number): boolean {
    return this.tallies.isOpen(entity, runtime, w, periodStart);
  }

  closePeriod(entity: EntityState, runtime: IndicatorRuntime, w: number, periodStart: number): void {
    this.tallies.closePeriod(entity, runtime, w, periodStart);
  }

  openPeriods(
    entity: EntityState,
    runtime: IndicatorRuntime,
    visit: (w: number, start: number, end: number) => void,
  ): void {
    this.tallies.openPeriods(entity, runtime, visit);
  }

  snapshot(entity: EntityState, runtime: IndicatorRuntime): MeasureStateSnapshot {
    return this.tallies.snapshot(entity, runtime);
  }

  restore(entity: EntityState, runtime: IndicatorRuntime, snap: MeasureStateSnapshot): void {
    this.tallies.restore(entity, runtime, snap);
  }
}

function keyOf(join: Join, e: CanonicalEvent, ctx: EventContext): string {
  const raw = join.key(e, ctx);
  // Stryker disable next-line ConditionalExpression: Number.isFinite is false for anything but a number
  return typeof raw === 'string' ? raw : typeof raw === 'number' && Number.isFinite(raw) ? String(raw) : '';
}

const refOf = (org: OrgState, join: Join, key: string): JourneyRef => ({
  org: org.org.ref.orgId,
  indicator: join.runtime.def.id,
  key,
});
