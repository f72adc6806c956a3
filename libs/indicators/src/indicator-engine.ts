import {
  timeAheadProblem,
  type EventProblem,
  type ReceiverClock,
  type IndicatorDef,
  type Level,
  type OrgSettings,
  type WindowName,
} from '#libs/definitions';
import { contentFingerprint, formatErrors, idempotencyKey, normalizeAmounts, type CanonicalEvent } from '#libs/events';
import { dateOfDayNumber, localDayNumber } from '#libs/time';
import { CloseQueue } from './close-queue';
import type { EventContext } from './compiled-term';
import { Deduplicator, type KeyMemory } from './deduplicator';
import type {
  EngineSnapshot,
  EngineSnapshotV2,
  EntitySnapshot,
  IndicatorStateSnapshot,
  OrgSnapshot,
} from './engine-snapshot';
import { currentPeriod, entityStates, type ClosingPeriod, type EntityState, type OrgState } from './engine-state';
import { buildRuntimes, openAfterEndMs, type IndicatorRuntime } from './indicator-runtime';
import type {
  BatchResult,
  EngineStats,
  EntityRef,
  EventOutcome,
  FoldResult,
  IndicatorValue,
  TooLate,
} from './indicator-value';
import { MANUAL_SCORE_TYPE, ManualScoreMeasure } from './measures/manual-score.measure';
import type { EngineHost, MeasureKind, Touchable } from './measures/measure-kind';
import { JoinedMeasure } from './measures/joined.measure';
import { OverdueReceivablesMeasure } from './measures/overdue-receivables.measure';
import { TermsMeasure } from './measures/terms.measure';
import { newInvoiceBook, restoreInvoices, restoreLegacyInvoices, snapshotInvoices } from './state/invoice-book';
import {
  restoreJourneys,
  snapshotJourneys,
  type JourneyParking,
  type JourneyRef,
  type ParkedJourney,
} from './state/journey-book';
import type { ParkedValue, ValueParking, ValueRef } from './state/period-tally';

export interface EngineOptions {
  // Batch runs (evaluate) read the whole file first: nothing is late and no period ever closes.
  ignoreLateness?: boolean;
  // false: fold and foldBatch answer no changes (a batch run reads the values once, at its end, and
  // saves building a value per change). Default true.
  reportChanges?: boolean;
  // Where repeats of an idempotency key are told apart: true (the default), a Deduplicator in memory;
  // false, nowhere, where the caller does it (evaluate, by line; the Postgres log, by its unique
  // index); or a memory of the caller's (the Kafka processor keeps its keys in Postgres).
  dedup?: boolean | KeyMemory;
  // The receiver's wall clock and the tolerance ahead of it (the live pipeline's): no org's clock ever
  // passes now() + toleranceMs. An event timed later is rejected (too_far_ahead), advanceTo stops there,
  // and a restored clock beyond it is clamped. Defence in depth behind checkEvent, for events that
  // reached the log before ingest checked their time. Unset: unbounded (batch runs, tests).
  timeBound?: ReceiverClock;
  // The team the roster of record holds the agent in on a local day (YYYY-MM-DD in the org's zone, the
  // date the event's time falls on there): an event naming an agent counts for that team, not the one
  // its payload names. Undefined (the agent unknown to the roster that day): the payload's team. It must
  // answer from memory: the engine is synchronous. Unset: the payload's team (batch runs, tests).
  teamOf?: TeamOf;
  // Where keys of lifecycle and conversion indicators go when park() moves them out of memory, and come
  // back from when an event names them (the live processor: a Postgres table). Unset: nothing is parked.
  parking?: JourneyParking;
  // Where the values of distinct sets of calendar periods longer than a day go when parkValues() moves
  // them out of memory, and are asked about when a set lacks a value. Unset: nothing is parked.
  valueParking?: ValueParking;
  // How long a calendar period of a week or longer of a terms or manual indicator stays open after its
  // allowed lateness (the live pipeline: the restatement window): an event in that time still moves the
  // value, and so restates a scorecard frozen at the lateness. Unset: 0, a period closes at its lateness.
  restatementMs?: number;
}

export type TeamOf = (orgId: string, agentId: string, localDay: string) => string | undefined;

// the org of idempotency keys restored from a version-1 snapshot (no org id is empty)
const LEGACY_KEYS = '';

// shared outcomes: most events need no object of their own
const NONE_LATE: readonly TooLate[] = Object.freeze([]);
const APPLIED: EventOutcome = Object.freeze({ status: 'applied', tooLate: NONE_LATE });
const IGNORED: EventOutcome = Object.freeze({ status: 'ignored', tooLate: NONE_LATE });
const DUPLICATE: EventOutcome = Object.freeze({ status: 'duplicate', tooLate: NONE_LATE });

interface Touched {
  entity: EntityState;
  runtime: IndicatorRuntime;
  windowIndex: number;
  periodStart: number; // NaN for rolling windows and ledgers
}

// the measure kinds an event type goes to, and those that may reject it first
interface Route {
  kinds: MeasureKind[];
  checks: MeasureKind[];
}

// The indicator engine: folds canonical events into rolling and calendar window state per
// (indicator, entity, window), O(1) per affected state, and answers their values as of its org's clock.
// It keeps a clock per org, dedup, lateness, the entities and the batch's changes; the measure kinds in
// measures/ keep the state and the arithmetic of their indicators.
export class IndicatorEngine {
  readonly runtimes: readonly IndicatorRuntime[];
  private readonly kinds: readonly MeasureKind[]; // per indicator index
  private readonly joined: JoinedMeasure;
  private readonly terms: TermsMeasure;
  private readonly routes = new Map<string, Route>();
  private readonly orgSettings: Map<string, OrgSettings>;
  private readonly orgs = new Map<string, OrgState>();
  private nextSlot = 0;
  private readonly ignoreLateness: boolean;
  private readonly reportChanges: boolean;
  private readonly horizonMs: number;
  private readonly timeBound: EngineOptions['timeBound'];
  private readonly teamOf: TeamOf | undefined;
  private readonly dedup: KeyMemory | undefined;
  // the latest time the engine was moved to (advanceTo): every org's clock is at least this, and a new
  // org's clock starts here
  private floorMs = Number.NEGATIVE_INFINITY;
  private batchLimit = Number.POSITIVE_INFINITY; // the time bound as of the batch under way
  private foldSeq = 0;
  // what the current fold changed: a reused pool, touchedCount entries long
  private readonly touched: Touched[] = [];
  private touchedCount = 0;
  // Stryker disable next-line BooleanLiteral: each fold sets it before it is read
  private eventChanged = false;
  // Stryker disable next-line ArrayDeclaration: each batch sets it before it is read
  private batchClosed: IndicatorValue[] = [];
  readonly stats: EngineStats = {
    applied: 0,
    ignored: 0,
    duplicate: 0,
    tooLate: 0,
    rejected: 0,
    unknownInvoicePayments: 0,
    expiredKeys: 0,
  };

  constructor(indicators: readonly IndicatorDef[], orgs: readonly OrgSettings[], options: EngineOptions = {}) {
    this.runtimes = buildRuntimes(indicators, options.restatementMs ?? 0);
    this.orgSettings = new Map(orgs.map((o) => [o.id, o]));
    this.ignoreLateness = options.ignoreLateness ?? false;
    this.reportChanges = options.reportChanges ?? true;
    const dedup = options.dedup ?? true;
    this.dedup = dedup === true ? new Deduplicator() : dedup === false ? undefined : dedup;
    this.timeBound = options.timeBound;
    this.teamOf = options.teamOf;
    this.horizonMs = Math.max(0, ...this.runtimes.map((r) => r.horizonMs));

    const host = this.host();
    this.joined = new JoinedMeasure(this.runtimes, host, options.parking);
    this.terms = new TermsMeasure(this.runtimes, host, { parking: options.valueParking });
    const byMeasure: Record<IndicatorDef['measure']['kind'], MeasureKind> = {
      terms: this.terms,
      'overdue-ratio': new OverdueReceivablesMeasure(this.runtimes, host),
      manual: new ManualScoreMeasure(this.runtimes, host),
      lifecycle: this.joined,
      conversion: this.joined,
    };
    this.kinds = this.runtimes.map((r) => byMeasure[r.def.measure.kind]);
    // terms before overdue: the order in which an event's changes are reported
    for (const kind of new Set(Object.values(byMeasure))) {
      for (const type of kind.eventTypes) {
        let route = this.routes.get(type);
        if (route === undefined) {
          // Stryker disable next-line ArrayDeclaration: only manual scores are checked, on their route below
          route = { kinds: [], checks: [] };
          this.routes.set(type, route);
        }
        route.kinds.push(kind);
      }
    }
    // a manual score feeds manual indicators only, even where a term counts its type; it is the one
    // event a measure kind checks before folding (its scale and reviewers)
    this.routes.set(MANUAL_SCORE_TYPE, { kinds: [byMeasure.manual], checks: [byMeasure.manual] });
  }

  // The newest org clock (or the floor): for "has it started", not for reading an org's values.
  get clock(): number {
    let clock = this.floorMs;
    // Stryker disable next-line EqualityOperator: a maximum
    for (const org of this.orgs.values()) if (org.clockMs > clock) clock = org.clockMs;
    return clock;
  }

  // The org's clock: its values are as of it (the floor for an org not seen yet).
  clockOf(orgId: string): number {
    return this.orgs.get(orgId)?.clockMs ?? this.floorMs;
  }

  // Every org's clock that has one, by org id.
  clocks(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [id, org] of this.orgs) if (Number.isFinite(org.clockMs)) out[id] = org.clockMs;
    return out;
  }

  // timeMs: the event time when the caller has parsed it already (validateEvent returns it)
  fold(e: CanonicalEvent, timeMs: number = Date.parse(e.time)): FoldResult {
    this.beginBatch();
    const outcome = this.foldOne(e, timeMs);
    const { changes, closed } = this.endBatch();
    return { ...outcome, changes, closed };
  }

  // Folds a micro-batch: one outcome per event, and each changed value once, as it stands after the
  // batch (an org's value is read once, not after each of its events).
  foldBatch(events: readonly CanonicalEvent[], times?: readonly number[]): BatchResult {
    this.beginBatch();
    // Stryker disable next-line ArrayDeclaration: sized ahead only; every slot is written
    const outcomes = new Array<EventOutcome>(events.length);
    for (let i = 0; i < events.length; i++) {
      const e = events[i] as CanonicalEvent;
      outcomes[i] = this.foldOne(e, times?.[i] ?? Date.parse(e.time));
    }
    return { outcomes, ...this.endBatch() };
  }

  private beginBatch(): void {
    this.batchLimit = this.limit(); // the wall clock read once a batch
    // Stryker disable next-line UpdateOperator: any number no batch had before marks what this one touched
    this.foldSeq++;
    this.touchedCount = 0;
    this.batchClosed = [];
  }

  private endBatch(): { changes: IndicatorValue[]; closed: IndicatorValue[] } {
    const changes: IndicatorValue[] = [];
    if (!this.reportChanges) return { changes, closed: this.batchClosed };
    for (let i = 0; i < this.touchedCount; i++) {
      const t = this.touched[i] as Touched;
      // a period the batch changed and then closed was reported with its final value in `closed`
      if (
        !Number.isNaN(t.periodStart) &&
        !this.kindOf(t.runtime).isOpen(t.entity, t.runtime, t.windowIndex, t.periodStart)
      )
        continue;
      changes.push(this.read(t.entity, t.runtime, t.windowIndex, t.periodStart));
    }
    return { changes, closed: this.batchClosed };
  }

  private foldOne(e: CanonicalEvent, timeMs: number): EventOutcome {
    // Stryker disable next-line all: a shortcut: timeAheadProblem finds nothing at or before the limit
    if (timeMs > this.batchLimit && this.timeBound !== undefined) {
      const { toleranceMs } = this.timeBound;
      const ahead = timeAheadProblem(timeMs, { now: this.batchLimit - toleranceMs, toleranceMs });
      // Stryker disable next-line ConditionalExpression: past the limit there always is one
      if (ahead !== undefined) return this.reject(ahead);
    }
    const settings = this.settingsFor(e.data.orgId);
    if (settings === undefined)
      return this.reject({
        field: 'data.orgId',
        code: 'unknown_org',
        reason: `unknown org ${e.data.orgId} and no default org`,
      });
    let event = e;
    if (typeof e.data.currency === 'string') {
      const normalized = normalizeAmounts(e, settings);
      if (!normalized.ok) {
        const [first] = normalized.errors;
        // the fallbacks are for the type checker: a failed conversion has an error
        return this.reject({
          // Stryker disable next-line OptionalChaining,StringLiteral: see above
          field: first?.field ?? 'data.currency',
          // Stryker disable next-line OptionalChaining,StringLiteral: see above
          code: first?.code ?? 'invalid_value',
          reason: formatErrors(normalized.errors),
        });
      }
      event = normalized.event;
    }
    const route = this.routes.get(event.type);
    if (route !== undefined) {
      for (const kind of route.checks) {
        // Stryker disable next-line OptionalChaining: only kinds that check are listed
        const problem = kind.check?.(event);
        if (problem !== undefined) return this.reject(problem);
      }
    }

    const orgId = event.data.orgId;
    if (!this.ignoreLateness && timeMs < this.clockOf(orgId) - this.horizonMs) {
      this.stats.tooLate++;
      return { status: 'too-late', reason: 'older than every window and its allowed lateness', tooLate: NONE_LATE };
    }
    if (this.dedup !== undefined) {
      // the content as sent: a repeat converted at another exchange rate is still the same event
      const seen = this.dedup.remember(orgId, idempotencyKey(e), contentFingerprint(e), timeMs);
      if (seen === 'duplicate') {
        this.stats.duplicate++;
        return DUPLICATE;
      }
      if (seen === 'conflict')
        return this.reject({
          field: 'id',
          code: 'conflict',
          reason: `${e.id} of ${e.source} was counted with other content; this delivery is not counted`,
        });
    }

    const org = this.orgState(orgId, settings);
    // Stryker disable next-line EqualityOperator: moving a clock to where it is moves nothing
    if (timeMs > org.clockMs) {
      // the joined keys the event's indicators settle by its time first, before periods close
      this.joined.settleBy(org, event.type, timeMs);
      for (const c of this.moveClock(org, timeMs)) this.batchClosed.push(c);
    }
    const ctx: EventContext = { timeMs, timeZone: settings.timeZone };
    const entities = this.entitiesOf(org, event, timeMs);
    this.eventChanged = false;
    const tooLate: TooLate[] = [];
    if (route !== undefined) for (const kind of route.kinds) kind.fold(org, entities, event, ctx, tooLate);

    if (tooLate.length > 0) {
      this.stats.tooLate++;
      this.stats.applied++;
      return { status: 'applied', tooLate };
    }
    if (!this.eventChanged) {
      this.stats.ignored++;
      return IGNORED;
    }
    this.stats.applied++;
    return APPLIED;
  }

  // Moves every org's clock that is behind timeMs to it (the idle tick to the wall clock: rolling windows
  // decay, overdue cutoffs move, periods close), never beyond the time bound, and reports every value
  // that changed by the clocks' moves alone (settle).
  advanceTo(timeMs: number): { changes: IndicatorValue[]; closed: IndicatorValue[] } {
    const to = Math.min(timeMs, this.limit()); // the limit is +∞ without a time bound
    const closed: IndicatorValue[] = [];
    // what the moves settle (conversions whose window passed) is reported like a batch's changes
    this.beginBatch();
    // Stryker disable next-line EqualityOperator: moving a clock to where it is moves nothing
    if (to > this.floorMs) {
      this.floorMs = to;
      if (!this.ignoreLateness) this.dedup?.forgetBefore(LEGACY_KEYS, to - this.horizonMs);
      for (const org of this.orgs.values()) {
        // first the joined keys the tick settles, each as of its deadline: before the periods close
        this.joined.advance(org, to);
        // Stryker disable next-line EqualityOperator: moving a clock to where it is moves nothing
        if (to > org.clockMs) closed.push(...this.moveClock(org, to));
      }
    }
    return { changes: [...this.endBatch().changes, ...this.settle()], closed };
  }

  // Every value that changed by the clocks' moves alone, including the moves folds made, moving no
  // clock: a fold reports what its events touched, not the rolling windows of others in its org that
  // slid past their buckets.
  settle(): IndicatorValue[] {
    const changes: IndicatorValue[] = [];
    for (const org of this.orgs.values()) {
      for (const entity of entityStates(org)) {
        for (const runtime of this.runtimes) {
          if (entity.states[runtime.index] === undefined) continue;
          this.kindOf(runtime).clockMoved(entity, runtime, (w) =>
            changes.push(this.read(entity, runtime, w, Number.NaN)),
          );
        }
      }
    }
    return changes;
  }

  // Every (indicator, entity, window) value as of the clock, current periods only.
  values(): IndicatorValue[] {
    const out: IndicatorValue[] = [];
    for (const org of this.orgs.values()) {
      for (const entity of entityStates(org)) {
        for (const runtime of this.runtimes) {
          if (entity.states[runtime.index] === undefined) continue;
          for (let w = 0; w < runtime.windows.length; w++) out.push(this.read(entity, runtime, w, Number.NaN));
        }
      }
    }
    return out;
  }

  value(indicatorId: string, entity: EntityRef, window: WindowName): IndicatorValue | undefined {
    const runtime = this.runtimes.find((r) => r.def.id === indicatorId);
    const org = this.orgs.get(entity.orgId);
    if (runtime === undefined || org === undefined) return undefined;
    const w = runtime.windows.indexOf(window);
    if (w < 0) return undefined;
    const state = this.findEntity(org, entity.level, entity.id);
    if (state === undefined || state.states[runtime.index] === undefined) {
      return this.emptyValue(org, runtime, w, entity);
    }
    return this.read(state, runtime, w, Number.NaN);
  }

  entities(level: Level, orgId?: string): EntityRef[] {
    const out: EntityRef[] = [];
    for (const org of this.orgs.values()) {
      if (orgId !== undefined && org.org.ref.orgId !== orgId) continue;
      if (level === 'org') out.push(org.org.ref);
      else for (const e of (level === 'team' ? org.teams : org.agents).values()) out.push(e.ref);
    }
    return out;
  }

  orgTimeZone(orgId: string): string {
    return this.settingsFor(orgId)?.timeZone ?? 'UTC';
  }

  // Moves the keys of joined indicators that have been quiet for quietMs (on their indicator's clock) and
  // that their deadline would not change out of memory, for the caller to store: memory then holds the keys still in play, not every
  // key of a horizon of days. Batch runs park nothing (nothing is ever dropped there either).
  park(quietMs: number): ParkedJourney[] {
    const out: ParkedJourney[] = [];
    if (this.ignoreLateness) return out;
    for (const org of this.orgs.values()) this.joined.park(org, quietMs, out);
    return out;
  }

  // The parked keys the events may name: the keys of joined indicators memory does not hold, for the
  // caller to look up before it folds them (the engine asks its parking synchronously).
  journeyRefs(events: readonly CanonicalEvent[]): JourneyRef[] {
    const out: JourneyRef[] = [];
    for (const e of events) {
      const orgId = e.data.orgId;
      if (typeof orgId !== 'string') continue;
      const org = this.orgs.get(orgId);
      this.joined.refsOf(orgId, org, e, { timeMs: Date.parse(e.time), timeZone: this.orgTimeZone(orgId) }, out);
    }
    return out;
  }

  // Moves the values of open distinct tallies of weeks, months, quarters and years out of memory, for the
  // caller to store: memory and the snapshot then hold the counts and the values seen since, not every
  // ticket and visitor of a quarter. Batch runs park nothing.
  parkValues(): ParkedValue[] {
    const out: ParkedValue[] = [];
    if (this.ignoreLateness) return out;
    for (const org of this.orgs.values()) this.terms.park(org, out);
    return out;
  }

  // The values of parked distinct sets the events name, for the caller to look up before it folds them
  // (the engine asks its value parking synchronously). Events it would reject name none.
  valueRefs(events: readonly CanonicalEvent[]): ValueRef[] {
    const out: ValueRef[] = [];
    for (const e of events) {
      const orgId = e.data.orgId;
      const settings = typeof orgId === 'string' ? this.settingsFor(orgId) : undefined;
      if (settings === undefined) continue;
      // conditions read amounts as the fold does: in the org's currency
      let event = e;
      if (typeof e.data.currency === 'string') {
        const normalized = normalizeAmounts(e, settings);
        if (!normalized.ok) continue;
        event = normalized.event;
      }
      const ctx = { timeMs: Date.parse(e.time), timeZone: settings.timeZone };
      this.terms.refsOf(orgId, event, ctx, out);
    }
    return out;
  }

  // each joined indicator's clock per org: parked keys whose deadline it passed are dropped
  journeyClocks(): { org: string; indicator: string; clockMs: number }[] {
    const out: { org: string; indicator: string; clockMs: number }[] = [];
    for (const org of this.orgs.values()) this.joined.clocksOf(org, out);
    return out;
  }

  // the terms states events were folded into so far: the bench's measure of the fold's work
  get stateUpdates(): number {
    return this.terms.updates;
  }

  get dedupSize(): number {
    return this.dedup?.size ?? 0;
  }

  snapshot(): EngineSnapshotV2 {
    const orgs: OrgSnapshot[] = [];
    for (const org of this.orgs.values()) {
      const entities: EntitySnapshot[] = [];
      for (const entity of entityStates(org)) {
        const indicators: IndicatorStateSnapshot[] = [];
        for (const runtime of this.runtimes) {
          if (entity.states[runtime.index] === undefined) continue;
          indicators.push({ indicator: runtime.def.id, ...this.kindOf(runtime).snapshot(entity, runtime) });
        }
        entities.push({ level: entity.ref.level, id: entity.ref.id, indicators });
      }
      orgs.push({
        id: org.org.ref.orgId,
        clockMs: Number.isFinite(org.clockMs) ? org.clockMs : null,
        dedup: this.dedup?.snapshot(org.org.ref.orgId) ?? [],
        invoices: snapshotInvoices(org.invoices),
        journeys: [...org.journeys].map(([index, book]) =>
          snapshotJourneys((this.runtimes[index] as IndicatorRuntime).def.id, book),
        ),
        entities,
      });
    }
    return {
      version: 2,
      floorMs: Number.isFinite(this.floorMs) ? this.floorMs : null,
      stats: { ...this.stats },
      dedup: this.dedup?.snapshot(LEGACY_KEYS) ?? [],
      orgs,
    };
  }

  static restore(
    indicators: readonly IndicatorDef[],
    orgs: readonly OrgSettings[],
    snapshot: EngineSnapshot,
    options: EngineOptions = {},
  ): IndicatorEngine {
    const engine = new IndicatorEngine(indicators, orgs, options);
    const version = (snapshot as { version: unknown }).version;
    if (version !== 1 && version !== 2) throw new Error(`unsupported engine snapshot version ${String(version)}`);
    // version 1: one clock for every org, and idempotency keys of unknown orgs (forgotten by the floor)
    engine.floorMs = (snapshot.version === 1 ? snapshot.clockMs : snapshot.floorMs) ?? Number.NEGATIVE_INFINITY;
    const single = snapshot.version === 1 ? engine.floorMs : undefined;
    engine.dedup?.restore(LEGACY_KEYS, snapshot.dedup);
    const byId = new Map(engine.runtimes.map((r) => [r.def.id, r]));
    for (const o of snapshot.orgs) {
      const settings = engine.settingsFor(o.id);
      if (settings === undefined) throw new Error(`snapshot holds org ${o.id}, which the definitions no longer allow`);
      const org = engine.orgState(o.id, settings);
      if ('clockMs' in o) {
        org.clockMs = o.clockMs ?? Number.NEGATIVE_INFINITY;
        engine.dedup?.restore(o.id, o.dedup);
      } else org.clockMs = single ?? Number.NEGATIVE_INFINITY;
      if (o.invoices !== undefined) restoreInvoices(org.invoices, o.invoices);
      else restoreLegacyInvoices(org.invoices, o.pendingWriteOffs ?? []);
      for (const j of o.journeys ?? []) {
        const runtime = byId.get(j.indicator);
        const kind = runtime?.def.measure.kind;
        if (runtime !== undefined && (kind === 'lifecycle' || kind === 'conversion'))
          org.journeys.set(runtime.index, engine.joined.scheduled(runtime, restoreJourneys(j)));
      }
      for (const e of o.entities) {
        const entity =
          e.level === 'org'
            ? org.org
            : engine.entityIn(org, e.level === 'team' ? org.teams : org.agents, e.level, e.id);
        for (const item of e.indicators) {
          const runtime = byId.get(item.indicator);
          if (runtime !== undefined) engine.kindOf(runtime).restore(entity, runtime, item);
        }
      }
    }
    Object.assign(engine.stats, { ...snapshot.stats });
    engine.clampClocks();
    for (const org of engine.orgs.values()) {
      for (const entity of entityStates(org)) {
        for (const runtime of engine.runtimes) {
          if (entity.states[runtime.index] === undefined) continue;
          engine
            .kindOf(runtime)
            .openPeriods(entity, runtime, (w, start, end) => engine.scheduleClose(entity, runtime, w, start, end));
        }
      }
    }
    return engine;
  }

  // ---- what the measure kinds may ask ----

  private host(): EngineHost {
    return {
      clock: (org) => org.clockMs,
      tooLateFor: (org, runtime, window, period, tooLate) => {
        if (!this.ignoreLateness && period.end + openAfterEndMs(runtime, window) <= org.clockMs) {
          tooLate.push({ indicator: runtime.def.id, window, periodStart: period.start });
          return true;
        }
        return false;
      },
      scheduleClose: (entity, runtime, w, start, end) => this.scheduleClose(entity, runtime, w, start, end),
      touch: (entity, runtime, w, periodStart, mark) => this.touch(entity, runtime, w, periodStart, mark),
      touchEveryWindow: (entity, runtime, mark) => {
        this.eventChanged = true;
        if (mark.touchedAt === this.foldSeq) return;
        mark.touchedAt = this.foldSeq;
        for (let w = 0; w < runtime.windows.length; w++) this.record(entity, runtime, w, Number.NaN);
      },
      entity: (org, level, id) =>
        level === 'org' ? org.org : this.entityIn(org, level === 'team' ? org.teams : org.agents, level, id),
      notePaymentOfUnknownInvoice: () => {
        this.stats.unknownInvoicePayments++;
      },
      noteExpiredKey: () => {
        this.stats.expiredKeys++;
      },
      held: () => {
        this.eventChanged = true;
      },
      ignoresLateness: this.ignoreLateness,
    };
  }

  private kindOf(runtime: IndicatorRuntime): MeasureKind {
    return this.kinds[runtime.index] as MeasureKind;
  }

  // ---- clock and periods ----

  // the latest time an org's clock may reach now
  private limit(): number {
    if (this.timeBound === undefined) return Number.POSITIVE_INFINITY;
    return this.timeBound.now() + this.timeBound.toleranceMs;
  }

  private moveClock(org: OrgState, timeMs: number): IndicatorValue[] {
    org.clockMs = timeMs;
    if (!this.ignoreLateness) this.dedup?.forgetBefore(org.org.ref.orgId, timeMs - this.horizonMs);
    if (this.ignoreLateness) return [];
    const closed: IndicatorValue[] = [];
    for (const c of org.closeQueue.popDue(timeMs)) {
      const kind = this.kindOf(c.runtime);
      if (!kind.isOpen(c.entity, c.runtime, c.windowIndex, c.start)) continue;
      closed.push(this.read(c.entity, c.runtime, c.windowIndex, c.start));
      kind.closePeriod(c.entity, c.runtime, c.windowIndex, c.start);
    }
    return closed;
  }

  private scheduleClose(
    entity: EntityState,
    runtime: IndicatorRuntime,
    windowIndex: number,
    start: number,
    end: number,
  ): void {
    if (this.ignoreLateness) return;
    const window = runtime.windows[windowIndex] as WindowName;
    entity.org.closeQueue.push(end + openAfterEndMs(runtime, window), { entity, runtime, windowIndex, start });
  }

  // Repairs a restored clock beyond the bound (a checkpoint poisoned by an event timed far ahead, folded
  // before the bound existed): the org's clock is set back to the bound, and each indicator drops what
  // lies ahead of it (rolling buckets, the overdue cutoff). Periods the far clock closed stay closed.
  private clampClocks(): void {
    const limit = this.limit();
    if (this.floorMs > limit) this.floorMs = limit;
    for (const org of this.orgs.values()) {
      this.joined.clampClocks(org, limit);
      if (org.clockMs <= limit) continue;
      org.clockMs = limit;
      for (const entity of entityStates(org))
        for (const runtime of this.runtimes)
          if (entity.states[runtime.index] !== undefined) this.kindOf(runtime).clockSetBack(entity, runtime);
    }
  }

  // ---- reading ----

  private read(entity: EntityState, runtime: IndicatorRuntime, w: number, periodStart: number): IndicatorValue {
    return this.kindOf(runtime).read(entity, runtime, w, periodStart);
  }

  // the value of an entity that has no state for the indicator yet: nothing counted
  private emptyValue(org: OrgState, runtime: IndicatorRuntime, w: number, entity: EntityRef): IndicatorValue {
    const window = runtime.windows[w] as WindowName;
    const spec = runtime.rolling[w];
    const period =
      spec !== null && spec !== undefined
        ? { start: (Math.floor(org.clockMs / spec.bucketMs) - spec.buckets + 1) * spec.bucketMs, end: org.clockMs }
        : currentPeriod(org, window, org.clockMs);
    const none = { indicator: runtime.def.id, entity, window, periodStart: period.start, periodEnd: period.end };
    return { ...none, ...this.kindOf(runtime).empty(runtime) };
  }

  // an org's own settings, else the '*' default (a map: this is on the hot path)
  private settingsFor(orgId: string): OrgSettings | undefined {
    return this.orgSettings.get(orgId) ?? this.orgSettings.get('*');
  }

  // ---- the batch's changes ----

  // reports a state once per fold, though numerator and denominator may both change it
  private touch(entity: EntityState, runtime: IndicatorRuntime, w: number, periodStart: number, mark: Touchable): void {
    this.eventChanged = true;
    if (mark.touchedAt === this.foldSeq) return;
    mark.touchedAt = this.foldSeq;
    this.record(entity, runtime, w, periodStart);
  }

  private record(entity: EntityState, runtime: IndicatorRuntime, windowIndex: number, periodStart: number): void {
    const t = this.touched[this.touchedCount];
    if (t === undefined) this.touched.push({ entity, runtime, windowIndex, periodStart });
    else {
      t.entity = entity;
      t.runtime = runtime;
      t.windowIndex = windowIndex;
      t.periodStart = periodStart;
    }
    this.touchedCount++;
  }

  // ---- entities ----

  private orgState(orgId: string, settings: OrgSettings): OrgState {
    let org = this.orgs.get(orgId);
    if (org === undefined) {
      const state: OrgState = {
        settings,
        clockMs: this.floorMs,
        closeQueue: new CloseQueue<ClosingPeriod>(),
        org: undefined as unknown as EntityState, // set just below: the entity points back at its org
        teams: new Map(),
        agents: new Map(),
        periodCache: new Map(),
        periodsByDay: new Map(),
        invoices: newInvoiceBook(),
        journeys: new Map(),
      };
      state.org = { ref: { level: 'org', id: orgId, orgId }, org: state, slot: this.nextSlot++, states: [] };
      this.orgs.set(orgId, state);
      org = state;
    }
    return org;
  }

  private entitiesOf(org: OrgState, e: CanonicalEvent, timeMs: number): EntityState[] {
    const list = [org.org];
    const { agentId } = e.data;
    const teamId = this.teamOfEvent(org, e, timeMs);
    if (teamId !== undefined) list.push(this.entityIn(org, org.teams, 'team', teamId));
    if (typeof agentId === 'string') list.push(this.entityIn(org, org.agents, 'agent', agentId));
    return list;
  }

  // the roster's team of the event's agent on the event's local day, else the payload's
  private teamOfEvent(org: OrgState, e: CanonicalEvent, timeMs: number): string | undefined {
    const { teamId, agentId } = e.data;
    const payload = typeof teamId === 'string' ? teamId : undefined;
    if (this.teamOf === undefined || typeof agentId !== 'string') return payload;
    const day = dateOfDayNumber(localDayNumber(org.settings.timeZone, timeMs));
    return this.teamOf(org.org.ref.orgId, agentId, day) ?? payload;
  }

  private entityIn(org: OrgState, map: Map<string, EntityState>, level: Level, id: string): EntityState {
    let entity = map.get(id);
    if (entity === undefined) {
      entity = { ref: { level, id, orgId: org.org.ref.orgId }, org, slot: this.nextSlot++, states: [] };
      map.set(id, entity);
    }
    return entity;
  }

  private findEntity(org: OrgState, level: Level, id: string): EntityState | undefined {
    if (level === 'org') return org.org;
    return (level === 'team' ? org.teams : org.agents).get(id);
  }

  // reason: `field: why`, as ingest words it
  private reject({ field, code, reason }: EventProblem): EventOutcome {
    this.stats.rejected++;
    const whole = reason.startsWith(`${field}: `) ? reason : `${field}: ${reason}`;
    return { status: 'rejected', reason: whole, field, code, tooLate: NONE_LATE };
  }
}
