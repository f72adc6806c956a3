import { isRolling } from '#libs/definitions';
import { idempotencyKey, type CanonicalEvent } from '#libs/events';
import { compileGetter, compileTerm, type CompiledTerm, type EventContext } from '../compiled-term';
import type { MeasureStateSnapshot } from '../engine-snapshot';
import { periodOf, type EntityState, type OrgState } from '../engine-state';
import { pairType, type IndicatorRuntime } from '../indicator-runtime';
import type { IndicatorValue, TooLate } from '../indicator-value';
import {
  deadlineOf,
  isBefore,
  landingOf,
  newJourney,
  sameLanding,
  type Arrival,
  type JoinedDef,
  type Journey,
  type Landing,
  type Owner,
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
  r.def.measure.kind === 'lifecycle' || r.def.measure.kind === 'conversion';

// Lifecycle and conversion indicators (docs/definitions.md "Lifecycle measures"): the org's open keys
// per indicator (state/journey-book.ts) join a `from` and a `to` event of the same key, whatever order
// they arrive in; each key's pair lands as a value and a count at one instant for one owner, and moves
// when a better pair arrives. Those values and counts are tallied like a terms ratio (sum ÷ count) by
// a TermsMeasure of the pair type, which keeps windows, periods, closing and snapshots as for terms.
export class JoinedMeasure implements MeasureKind {
  readonly eventTypes: readonly string[];
  private readonly byType = new Map<string, Join[]>();
  private readonly joins: (Join | undefined)[] = []; // by indicator index
  private readonly tallies: TermsMeasure;

  constructor(
    runtimes: readonly IndicatorRuntime[],
    private readonly host: EngineHost,
  ) {
    this.tallies = new TermsMeasure(runtimes, host, isJoined);
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
    const raw = join.key(e, ctx);
    const key = typeof raw === 'string' ? raw : typeof raw === 'number' && Number.isFinite(raw) ? String(raw) : '';
    if (key === '') return;
    const { runtime } = join;
    // as late as a period closes (time + allowed lateness ≤ clock): the pair it would move may have closed
    if (!this.host.ignoresLateness && ctx.timeMs + runtime.latenessMs <= this.host.clock(org)) {
      this.noteTooLate(org, runtime, ctx.timeMs, tooLate);
      return;
    }
    const book = this.bookOf(org, runtime);
    let journey = book.get(key);
    const isNew = journey === undefined;
    if (journey === undefined) {
      journey = newJourney();
      book.set(key, journey);
    }
    const arrival: Arrival = {
      t: ctx.timeMs,
      key: idempotencyKey(e),
      team: entities.find((x) => x.ref.level === 'team')?.ref.id,
      agent: entities.find((x) => x.ref.level === 'agent')?.ref.id,
    };
    const deadline = deadlineOf(join.def, journey, runtime.latenessMs);
    if (isFrom && (journey.from === null || isBefore(arrival, journey.from))) journey.from = arrival;
    if (isTo && !journey.tos.some((to) => to.key === arrival.key)) journey.tos.push(arrival);
    const moved = deadlineOf(join.def, journey, runtime.latenessMs);
    if (isNew || moved !== deadline) org.journeyDeadlines.push(moved, { index: runtime.index, key });
    this.host.held();
    this.land(org, join, journey, tooLate);
  }

  // Moves the key's pair to where it should count now: out of its old tallies, into the new ones. A
  // pair whose period has closed stays there (closed periods are final): the change is too late.
  private land(org: OrgState, join: Join, journey: Journey, tooLate: TooLate[]): void {
    const { runtime } = join;
    const want = landingOf(join.def, journey, this.host.clock(org), runtime.latenessMs);
    const was = journey.landed;
    if (sameLanding(want, was)) return;
    if (was !== null && this.closedAt(org, runtime, was.t, tooLate)) return;
    if (was !== null) this.add(org, runtime, was, -1, tooLate);
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
    const pair: CanonicalEvent = {
      specversion: '1.0',
      id: '',
      source: '',
      type: pairType(runtime.def.id),
      time: '',
      data: { orgId: org.org.ref.orgId, value: sign * l.value, count: sign * l.count },
    };
    this.tallies.fold(org, this.ownerEntities(org, l), pair, { timeMs: l.t, timeZone: org.settings.timeZone }, tooLate);
  }

  private ownerEntities(org: OrgState, owner: Owner): EntityState[] {
    const list = [org.org];
    if (owner.team !== undefined) list.push(this.host.entity(org, 'team', owner.team));
    if (owner.agent !== undefined) list.push(this.host.entity(org, 'agent', owner.agent));
    return list;
  }

  private noteTooLate(org: OrgState, runtime: IndicatorRuntime, t: number, tooLate: TooLate[]): void {
    runtime.windows.forEach((window) => {
      if (isRolling(window)) return;
      tooLate.push({ indicator: runtime.def.id, window, periodStart: periodOf(org, window, t).start });
    });
  }

  // The org's clock is moving to toMs: each key whose deadline it passes is settled as of its deadline
  // (the clock stepping there first), before the periods the move closes: a conversion whose window has
  // passed lands as not converted; then keys nothing can change any more are dropped (kept in batch
  // runs, where nothing is ever too late).
  clockMoving(org: OrgState, toMs: number): void {
    for (const { index, key } of org.journeyDeadlines.popDue(toMs)) {
      const join = this.joins[index] as Join;
      const book = this.bookOf(org, join.runtime);
      const journey = book.get(key);
      if (journey === undefined) continue;
      const deadline = deadlineOf(join.def, journey, join.runtime.latenessMs);
      if (deadline > toMs) continue; // moved since: a later entry of the queue settles it
      if (deadline > org.clockMs) org.clockMs = deadline;
      this.land(org, join, journey, []);
      if (this.host.ignoresLateness) continue;
      book.delete(key);
      if (journey.landed === null) this.host.noteExpiredKey();
    }
  }

  private bookOf(org: OrgState, runtime: IndicatorRuntime): Map<string, Journey> {
    let book = org.journeys.get(runtime.index);
    if (book === undefined) {
      book = new Map();
      org.journeys.set(runtime.index, book);
    }
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

  // after a restore: each key's deadline back in the org's queue
  scheduleDeadlines(org: OrgState): void {
    for (const [index, book] of org.journeys) {
      const join = this.joins[index];
      if (join === undefined) continue;
      for (const [key, journey] of book)
        org.journeyDeadlines.push(deadlineOf(join.def, journey, join.runtime.latenessMs), { index, key });
    }
  }
}
