import type { CalendarWindow, IndicatorDef, Level, OrgSettings, WindowName } from '#libs/definitions';
import { formatErrors, idempotencyKey, normalizeAmounts, type CanonicalEvent } from '#libs/events';
import { assertUnreachable } from './assert-unreachable';
import { CloseQueue } from './close-queue';
import type { EventContext } from './compiled-term';
import { Deduplicator } from './deduplicator';
import {
  bindByType,
  buildRuntimes,
  MANUAL_SCORE_TYPE,
  OVERDUE_EVENT_TYPES,
  type IndicatorRuntime,
  type TermBinding,
} from './indicator-runtime';
import type {
  BatchResult,
  EngineStats,
  EntityRef,
  EventOutcome,
  FoldResult,
  IndicatorValue,
  TooLate,
} from './indicator-value';
import { OverdueLedger } from './state/overdue-ledger';
import { addToTally, newPeriodTally, periodKey, type PeriodTally } from './state/period-tally';
import { RollingColumns } from './state/rolling-columns';
import { RollingDistinct } from './state/rolling-distinct';
import { dayNumberOfDate, localDayNumber, periodOfDay, type Period } from '#libs/time';
import type { CalendarState, ManualState, RollingColumnsPair, RollingState, WindowState } from './window-state';
import { isRolling } from './windows';
import {
  restoreEngineState,
  snapshotEngineState,
  type EngineSnapshot,
  type RollingAccess,
  type SideSnapshot,
} from './engine-snapshot';

export interface EngineOptions {
  // Batch runs (evaluate) read the whole file first: nothing is late and no period ever closes.
  ignoreLateness?: boolean;
  // The live pipeline dedups at ingest (a unique index on source + id) and may turn this off.
  dedup?: boolean;
}

export interface EntityState {
  ref: EntityRef;
  org: OrgState;
  slot: number; // this entity's row in the rolling columns
  windows: (WindowState[] | undefined)[]; // per indicator index
  ledgers: (OverdueLedger | undefined)[];
}

export interface OrgState {
  settings: OrgSettings;
  org: EntityState;
  teams: Map<string, EntityState>;
  agents: Map<string, EntityState>;
  periodCache: Map<CalendarWindow, Period>;
  periodsByDay: Map<CalendarWindow, Map<number, Period>>;
  invoiceDueDay: Map<string, number>; // invoiceId → due day, for write-offs that carry no due date
  pendingWriteOffs: Map<string, CanonicalEvent[]>; // write-offs seen before their invoice
}

// shared outcomes: most events need no object of their own
const NONE_LATE: readonly TooLate[] = Object.freeze([]);
const APPLIED: EventOutcome = Object.freeze({ status: 'applied', tooLate: NONE_LATE });
const IGNORED: EventOutcome = Object.freeze({ status: 'ignored', tooLate: NONE_LATE });
const DUPLICATE: EventOutcome = Object.freeze({ status: 'duplicate', tooLate: NONE_LATE });

// state objects remember the batch that last reported them
interface Touchable {
  touchedAt: number;
}

interface Touched {
  entity: EntityState;
  runtime: IndicatorRuntime;
  windowIndex: number;
  periodStart: number; // NaN for rolling windows and ledgers
}

interface ClosingPeriod {
  entity: EntityState;
  runtime: IndicatorRuntime;
  windowIndex: number;
  start: number;
}

// The indicator engine: folds canonical events into rolling and calendar window state per
// (indicator, entity, window), O(1) per affected state, and answers their values as of its clock.
export class IndicatorEngine {
  readonly runtimes: readonly IndicatorRuntime[];
  private readonly byType: Map<string, TermBinding[]>;
  private readonly manualById = new Map<string, IndicatorRuntime>();
  private readonly overdueRuntimes: IndicatorRuntime[];
  private readonly orgSettings: Map<string, OrgSettings>;
  private readonly orgs = new Map<string, OrgState>();
  private readonly closeQueue = new CloseQueue<ClosingPeriod>();
  private readonly columns: (RollingColumnsPair | null)[][]; // [indicator index][window index]
  private nextSlot = 0;
  private readonly ignoreLateness: boolean;
  private readonly dedupOn: boolean;
  private readonly horizonMs: number;
  private dedup = new Deduplicator();
  private clockMs = Number.NEGATIVE_INFINITY;
  private foldSeq = 0;
  // what the current fold changed: a reused pool, touchedCount entries long
  private readonly touched: Touched[] = [];
  private touchedCount = 0;
  private eventChanged = false;
  private batchClosed: IndicatorValue[] = [];
  readonly stats: EngineStats = { applied: 0, ignored: 0, duplicate: 0, tooLate: 0, rejected: 0 };

  constructor(indicators: readonly IndicatorDef[], orgs: readonly OrgSettings[], options: EngineOptions = {}) {
    this.runtimes = buildRuntimes(indicators);
    this.byType = bindByType(this.runtimes);
    for (const r of this.runtimes) if (r.def.measure.kind === 'manual') this.manualById.set(r.def.id, r);
    this.overdueRuntimes = this.runtimes.filter((r) => r.def.measure.kind === 'overdue-ratio');
    this.orgSettings = new Map(orgs.map((o) => [o.id, o]));
    this.ignoreLateness = options.ignoreLateness ?? false;
    this.dedupOn = options.dedup ?? true;
    this.horizonMs = Math.max(0, ...this.runtimes.map((r) => r.horizonMs));
    this.columns = this.runtimes.map((r) =>
      r.rolling.map((spec) => {
        if (spec === null || spec === undefined) return null;
        const column = (distinct: boolean | undefined) =>
          distinct === false ? new RollingColumns(spec.buckets) : null;
        return { num: column(r.num?.distinct), den: column(r.den?.distinct) };
      }),
    );
  }

  get clock(): number {
    return this.clockMs;
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
    const outcomes = new Array<EventOutcome>(events.length);
    for (let i = 0; i < events.length; i++) {
      const e = events[i] as CanonicalEvent;
      outcomes[i] = this.foldOne(e, times?.[i] ?? Date.parse(e.time));
    }
    return { outcomes, ...this.endBatch() };
  }

  private beginBatch(): void {
    this.foldSeq++;
    this.touchedCount = 0;
    this.batchClosed = [];
  }

  private endBatch(): { changes: IndicatorValue[]; closed: IndicatorValue[] } {
    const changes: IndicatorValue[] = [];
    for (let i = 0; i < this.touchedCount; i++) {
      const t = this.touched[i] as Touched;
      // a period the batch changed and then closed was reported with its final value in `closed`
      if (!Number.isNaN(t.periodStart) && !this.isOpen(t)) continue;
      changes.push(this.read(t.entity, t.runtime, t.windowIndex, t.periodStart));
    }
    return { changes, closed: this.batchClosed };
  }

  private isOpen(t: Touched): boolean {
    const s = (t.entity.windows[t.runtime.index] as WindowState[])[t.windowIndex] as WindowState;
    return s.kind === 'rolling' || s.periods.has(periodKey(t.periodStart));
  }

  private foldOne(e: CanonicalEvent, timeMs: number): EventOutcome {
    const settings = this.settingsFor(e.data.orgId);
    if (settings === undefined) return this.reject(`data.orgId: unknown org ${e.data.orgId} and no default org`);
    let event = e;
    if (typeof e.data.currency === 'string') {
      const normalized = normalizeAmounts(e, settings);
      if (!normalized.ok) return this.reject(formatErrors(normalized.errors));
      event = normalized.event;
    }
    const manual = event.type === MANUAL_SCORE_TYPE ? this.checkManual(event) : null;
    if (typeof manual === 'string') return this.reject(manual);

    if (!this.ignoreLateness && timeMs < this.clockMs - this.horizonMs) {
      this.stats.tooLate++;
      return { status: 'too-late', reason: 'older than every window and its allowed lateness', tooLate: NONE_LATE };
    }
    if (this.dedupOn && !this.dedup.remember(idempotencyKey(event), timeMs)) {
      this.stats.duplicate++;
      return DUPLICATE;
    }

    if (timeMs > this.clockMs) for (const c of this.moveClock(timeMs)) this.batchClosed.push(c);
    const org = this.orgState(event.data.orgId, settings);
    const ctx: EventContext = { timeMs, timeZone: settings.timeZone };
    const entities = this.entitiesOf(org, event);
    this.eventChanged = false;
    const tooLate: TooLate[] = [];

    if (manual !== null) {
      this.foldManual(org, manual, event, ctx, tooLate);
    } else {
      const bindings = this.byType.get(event.type);
      if (bindings !== undefined) {
        for (const b of bindings) this.foldTerm(org, entities, b, event, ctx, tooLate);
      }
      if (this.overdueRuntimes.length > 0 && (OVERDUE_EVENT_TYPES as readonly string[]).includes(event.type)) {
        this.foldInvoice(org, entities, event);
      }
    }

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

  // Moves the clock without events (rolling windows decay, overdue cutoffs move, periods close) and
  // reports every value that changed by the clock's moves alone, including the moves folds made:
  // a fold reports what its events touched, not the windows of others that slid past their buckets.
  advanceTo(timeMs: number): { changes: IndicatorValue[]; closed: IndicatorValue[] } {
    const closed = timeMs > this.clockMs ? this.moveClock(timeMs) : [];
    if (this.clockMs === Number.NEGATIVE_INFINITY) return { changes: [], closed };
    const changes: IndicatorValue[] = [];
    for (const org of this.orgs.values()) {
      for (const entity of this.entityStates(org)) {
        for (const runtime of this.runtimes) {
          const states = entity.windows[runtime.index];
          if (states !== undefined) {
            for (let w = 0; w < states.length; w++) {
              const s = states[w] as WindowState;
              if (s.kind === 'rolling' && this.decays(entity, runtime, w, s))
                changes.push(this.read(entity, runtime, w, Number.NaN));
            }
          }
          const ledger = entity.ledgers[runtime.index];
          if (ledger !== undefined && this.moveLedgerCutoff(org, runtime, ledger)) {
            for (let w = 0; w < runtime.windows.length; w++) changes.push(this.read(entity, runtime, w, Number.NaN));
          }
        }
      }
    }
    return { changes, closed };
  }

  // Every (indicator, entity, window) value as of the clock, current periods only.
  values(): IndicatorValue[] {
    const out: IndicatorValue[] = [];
    for (const org of this.orgs.values()) {
      for (const entity of this.entityStates(org)) {
        for (const runtime of this.runtimes) {
          if (entity.windows[runtime.index] === undefined && entity.ledgers[runtime.index] === undefined) continue;
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
    if (
      state === undefined ||
      (state.windows[runtime.index] === undefined && state.ledgers[runtime.index] === undefined)
    ) {
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

  get dedupSize(): number {
    return this.dedup.size;
  }

  snapshot(): EngineSnapshot {
    return snapshotEngineState(
      this.clockMs,
      this.stats,
      this.dedup,
      this.orgs.values(),
      this.runtimes,
      this.rollingAccess(),
    );
  }

  static restore(
    indicators: readonly IndicatorDef[],
    orgs: readonly OrgSettings[],
    snapshot: EngineSnapshot,
    options: EngineOptions = {},
  ): IndicatorEngine {
    const engine = new IndicatorEngine(indicators, orgs, options);
    const restored = restoreEngineState(
      snapshot,
      engine.runtimes,
      (orgId) => {
        const settings = engine.settingsFor(orgId);
        if (settings === undefined)
          throw new Error(`snapshot holds org ${orgId}, which the definitions no longer allow`);
        return engine.orgState(orgId, settings);
      },
      (org, level, id) => engine.entityIn(org, level === 'team' ? org.teams : org.agents, level, id),
      engine.rollingAccess(),
    );
    engine.clockMs = restored.clockMs;
    Object.assign(engine.stats, restored.stats);
    engine.dedup = restored.dedup;
    for (const org of engine.orgs.values()) {
      for (const entity of engine.entityStates(org)) {
        for (const runtime of engine.runtimes) {
          const states = entity.windows[runtime.index];
          if (states === undefined) continue;
          states.forEach((s, w) => {
            if (s.kind === 'rolling') return;
            for (const p of s.periods.values()) engine.scheduleClose(entity, runtime, w, p.start, p.end);
          });
        }
      }
    }
    return engine;
  }

  // ---- folding ----

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
    const key = term.distinct ? term.key(e, ctx) : '';
    if (term.distinct ? key === '' : Number.isNaN(amount)) return;
    const t = term.timeOf(e, ctx);
    if (Number.isNaN(t)) return;
    for (let w = 0; w < runtime.windows.length; w++) {
      const spec = runtime.rolling[w];
      if (spec !== null && spec !== undefined) {
        const bucket = Math.floor(t / spec.bucketMs);
        // out of the window as of the clock: it changes nothing, whatever the state last saw
        if (bucket <= Math.floor(this.clockMs / spec.bucketMs) - spec.buckets) continue;
        const pair = this.columns[runtime.index]?.[w] as RollingColumnsPair;
        const column = side === 0 ? pair.num : pair.den;
        for (const entity of entities) {
          if (!runtime.levels[entity.ref.level]) continue;
          const s = this.windowStates(entity, runtime)[w] as RollingState;
          const changed =
            column !== null
              ? column.add(entity.slot, bucket, amount)
              : (side === 0 ? s.numDistinct : s.denDistinct)?.add(bucket, 0, key) === true;
          if (changed) this.touch(entity, runtime, w, Number.NaN, s);
        }
        continue;
      }
      const window = runtime.windows[w] as CalendarWindow;
      const period = this.periodOf(org, window, t);
      if (!this.ignoreLateness && period.end + runtime.latenessMs <= this.clockMs) {
        tooLate.push({ indicator: runtime.def.id, window, periodStart: period.start });
        continue;
      }
      for (const entity of entities) {
        if (!runtime.levels[entity.ref.level]) continue;
        const s = this.windowStates(entity, runtime)[w] as CalendarState;
        // most events fall in the newest period: skip the map lookup for it
        let tally =
          s.latest !== null && s.latest.start === period.start ? s.latest : s.periods.get(periodKey(period.start));
        if (tally === undefined) {
          tally = newPeriodTally(
            period.start,
            period.end,
            runtime.num?.distinct ?? false,
            runtime.den?.distinct ?? false,
          );
          s.periods.set(periodKey(period.start), tally);
          this.scheduleClose(entity, runtime, w, period.start, period.end);
        }
        if (s.latest === null || tally.start > s.latest.start) s.latest = tally;
        if (addToTally(tally, side, amount, key)) this.touch(entity, runtime, w, period.start, tally);
      }
    }
  }

  private checkManual(e: CanonicalEvent): { runtime: IndicatorRuntime; value: number } | string {
    const id = e.data.indicator;
    const runtime = typeof id === 'string' ? this.manualById.get(id) : undefined;
    if (runtime === undefined) return `data.indicator: ${String(id)} is not a manual indicator`;
    const m = runtime.def.measure;
    if (m.kind !== 'manual') return `data.indicator: ${String(id)} is not a manual indicator`;
    const value = e.data.value;
    if (typeof value !== 'number' || value < m.scale[0] || value > m.scale[1]) {
      return `data.value: expected a number from ${m.scale[0]} to ${m.scale[1]}`;
    }
    const reviewer = e.data.reviewerId;
    if (m.reviewers !== undefined && !m.reviewers.includes(String(reviewer))) {
      return `data.reviewerId: ${String(reviewer)} may not score ${runtime.def.id}`;
    }
    return { runtime, value };
  }

  private foldManual(
    org: OrgState,
    manual: { runtime: IndicatorRuntime; value: number },
    e: CanonicalEvent,
    ctx: EventContext,
    tooLate: TooLate[],
  ): void {
    const { runtime, value } = manual;
    // a manual score is about one entity: the deepest one the event names
    const level: Level = e.data.agentId !== undefined ? 'agent' : e.data.teamId !== undefined ? 'team' : 'org';
    if (!runtime.levels[level]) return;
    const entity = this.entitiesOf(org, e).find((x) => x.ref.level === level) as EntityState;
    const tie = idempotencyKey(e);
    runtime.windows.forEach((window, w) => {
      if (isRolling(window)) return;
      const period = this.periodOf(org, window, ctx.timeMs);
      if (!this.ignoreLateness && period.end + runtime.latenessMs <= this.clockMs) {
        tooLate.push({ indicator: runtime.def.id, window, periodStart: period.start });
        return;
      }
      const s = this.windowStates(entity, runtime)[w] as ManualState;
      const current = s.periods.get(periodKey(period.start));
      if (
        current !== undefined &&
        (current.timeMs > ctx.timeMs || (current.timeMs === ctx.timeMs && current.tie > tie))
      ) {
        return;
      }
      let score = current;
      if (score === undefined) {
        score = { start: period.start, end: period.end, timeMs: ctx.timeMs, tie, value, touchedAt: 0 };
        s.periods.set(periodKey(period.start), score);
        this.scheduleClose(entity, runtime, w, period.start, period.end);
      } else {
        score.timeMs = ctx.timeMs;
        score.tie = tie;
        score.value = value;
      }
      this.touch(entity, runtime, w, period.start, score);
    });
  }

  private foldInvoice(org: OrgState, entities: readonly EntityState[], e: CanonicalEvent): void {
    const invoiceId = String(e.data.invoiceId);
    const amount = e.data.amount as number;
    let dueDay: number;
    let delta: number;
    switch (e.type) {
      case 'invoice.issued': {
        dueDay = dayNumberOfDate(String(e.data.dueDate));
        delta = amount;
        org.invoiceDueDay.set(invoiceId, dueDay);
        const pending = org.pendingWriteOffs.get(invoiceId);
        if (pending !== undefined) {
          org.pendingWriteOffs.delete(invoiceId);
          for (const w of pending) this.foldInvoice(org, this.entitiesOf(org, w), w);
        }
        break;
      }
      case 'payment.received':
        dueDay = dayNumberOfDate(String(e.data.invoiceDueDate));
        delta = -amount;
        break;
      default: {
        const known =
          typeof e.data.dueDate === 'string' ? dayNumberOfDate(e.data.dueDate) : org.invoiceDueDay.get(invoiceId);
        if (known === undefined) {
          // the write-off arrived before its invoice: apply it when the invoice comes
          const list = org.pendingWriteOffs.get(invoiceId) ?? [];
          list.push(e);
          org.pendingWriteOffs.set(invoiceId, list);
          return;
        }
        dueDay = known;
        delta = -amount;
      }
    }
    if (Number.isNaN(dueDay) || Number.isNaN(delta)) return;
    for (const runtime of this.overdueRuntimes) {
      for (const entity of entities) {
        if (!runtime.levels[entity.ref.level]) continue;
        const ledger = this.ledgerOf(org, entity, runtime);
        ledger.apply(dueDay, delta);
        // one ledger serves every window of the indicator: report each window once per batch
        this.eventChanged = true;
        if (ledger.touchedAt === this.foldSeq) continue;
        ledger.touchedAt = this.foldSeq;
        for (let w = 0; w < runtime.windows.length; w++) this.record(entity, runtime, w, Number.NaN);
      }
    }
  }

  // ---- clock and periods ----

  private moveClock(timeMs: number): IndicatorValue[] {
    this.clockMs = timeMs;
    if (this.dedupOn && !this.ignoreLateness) this.dedup.forgetBefore(timeMs - this.horizonMs);
    if (this.ignoreLateness) return [];
    const closed: IndicatorValue[] = [];
    for (const c of this.closeQueue.popDue(timeMs)) {
      const states = c.entity.windows[c.runtime.index] as WindowState[];
      const s = states[c.windowIndex] as CalendarState | ManualState;
      if (!s.periods.has(periodKey(c.start))) continue;
      closed.push(this.read(c.entity, c.runtime, c.windowIndex, c.start));
      s.periods.delete(periodKey(c.start));
      if (s.kind === 'calendar' && s.latest?.start === c.start) s.latest = null;
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
    this.closeQueue.push(end + runtime.latenessMs, { entity, runtime, windowIndex, start });
  }

  private periodOf(org: OrgState, window: CalendarWindow, t: number): Period {
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

  private decays(entity: EntityState, runtime: IndicatorRuntime, w: number, s: RollingState): boolean {
    const bucket = Math.floor(this.clockMs / s.spec.bucketMs);
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
    const pair = this.columns[runtime.index]?.[w] as RollingColumnsPair;
    const side = (column: RollingColumns | null, distinct: RollingDistinct | null): number => {
      if (column !== null)
        return Number.isNaN(clockBucket) ? column.current(entity.slot) : column.total(entity.slot, clockBucket);
      if (distinct === null) return 0;
      return Number.isNaN(clockBucket) ? distinct.current : distinct.total(clockBucket);
    };
    const num = side(pair.num, s.numDistinct);
    return [num, runtime.den === null ? null : side(pair.den, s.denDistinct)];
  }

  private moveLedgerCutoff(org: OrgState, runtime: IndicatorRuntime, ledger: OverdueLedger): boolean {
    const m = runtime.def.measure;
    if (m.kind !== 'overdue-ratio') return false;
    return ledger.moveCutoff(localDayNumber(org.settings.timeZone, this.clockMs) - m.afterDays);
  }

  // ---- reading ----

  private read(entity: EntityState, runtime: IndicatorRuntime, w: number, periodStart: number): IndicatorValue {
    const window = runtime.windows[w] as WindowName;
    const org = entity.org;
    const ledger = entity.ledgers[runtime.index];
    if (ledger !== undefined) {
      this.moveLedgerCutoff(org, runtime, ledger);
      const period = this.currentPeriod(org, runtime, w);
      const open = ledger.openBalance;
      const hasOpen = Math.abs(open) > 1e-9;
      return {
        indicator: runtime.def.id,
        entity: entity.ref,
        window,
        periodStart: period.start,
        periodEnd: period.end,
        value: hasOpen ? ledger.overdueBalance / open : null,
        numerator: ledger.overdueBalance,
        denominator: open,
      };
    }
    const s = (entity.windows[runtime.index] as WindowState[])[w] as WindowState;
    switch (s.kind) {
      case 'rolling': {
        const bucket = Math.floor(this.clockMs / s.spec.bucketMs);
        const [num, den] = this.rollingTotals(entity, runtime, w, s, bucket);
        const periodStart = (bucket - s.spec.buckets + 1) * s.spec.bucketMs;
        return this.ratio(runtime, entity, window, periodStart, this.clockMs, num, den);
      }
      case 'calendar': {
        const period = Number.isNaN(periodStart) ? this.currentPeriod(org, runtime, w) : null;
        const start = period === null ? periodStart : period.start;
        const tally = s.latest !== null && s.latest.start === start ? s.latest : s.periods.get(periodKey(start));
        const end = period === null ? (tally as PeriodTally).end : period.end;
        const num = tally?.num ?? 0;
        const den = runtime.den === null ? null : (tally?.den ?? 0);
        return this.ratio(runtime, entity, window, start, end, num, den);
      }
      case 'manual': {
        const period = Number.isNaN(periodStart)
          ? this.currentPeriod(org, runtime, w)
          : (s.periods.get(periodKey(periodStart)) as Period);
        const score = s.periods.get(periodKey(period.start));
        const value = score?.value ?? null;
        return {
          indicator: runtime.def.id,
          entity: entity.ref,
          window,
          periodStart: period.start,
          periodEnd: period.end,
          value,
          numerator: value,
          denominator: null,
        };
      }
      default:
        return assertUnreachable(s);
    }
  }

  private ratio(
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

  private currentPeriod(org: OrgState, runtime: IndicatorRuntime, w: number): Period {
    const window = runtime.windows[w] as WindowName;
    if (isRolling(window)) return { start: this.clockMs, end: this.clockMs };
    return this.periodOf(org, window, this.clockMs);
  }

  // the value of an entity that has no state for the indicator yet: nothing counted
  private emptyValue(org: OrgState, runtime: IndicatorRuntime, w: number, entity: EntityRef): IndicatorValue {
    const window = runtime.windows[w] as WindowName;
    const spec = runtime.rolling[w];
    const period =
      spec !== null && spec !== undefined
        ? { start: (Math.floor(this.clockMs / spec.bucketMs) - spec.buckets + 1) * spec.bucketMs, end: this.clockMs }
        : this.currentPeriod(org, runtime, w);
    const m = runtime.def.measure;
    const none = { indicator: runtime.def.id, entity, window, periodStart: period.start, periodEnd: period.end };
    if (m.kind === 'terms') {
      const den = m.denominator === undefined ? null : 0;
      return { ...none, value: den === null ? 0 : null, numerator: 0, denominator: den };
    }
    return {
      ...none,
      value: null,
      numerator: m.kind === 'manual' ? null : 0,
      denominator: m.kind === 'manual' ? null : 0,
    };
  }

  private rollingAccess(): RollingAccess {
    const pairOf = (runtime: IndicatorRuntime, w: number) => this.columns[runtime.index]?.[w] as RollingColumnsPair;
    const sideSnapshot = (
      entity: EntityState,
      column: RollingColumns | null,
      distinct: RollingDistinct | null,
    ): SideSnapshot =>
      column !== null
        ? { distinct: false, state: column.snapshot(entity.slot) }
        : { distinct: true, state: (distinct as RollingDistinct).snapshot() };
    return {
      snapshot: (entity, runtime, w, s) => {
        const pair = pairOf(runtime, w);
        return {
          kind: 'rolling',
          window: s.window,
          num: sideSnapshot(entity, pair.num, s.numDistinct),
          den: runtime.den === null ? null : sideSnapshot(entity, pair.den, s.denDistinct),
        };
      },
      restore: (entity, runtime, w, snap) => {
        const pair = pairOf(runtime, w);
        const spec = runtime.rolling[w];
        if (spec === null || spec === undefined) return undefined;
        if (snap.num.distinct !== (runtime.num?.distinct ?? false)) return undefined;
        if (
          (snap.den === null) !== (runtime.den === null) ||
          (snap.den !== null && snap.den.distinct !== runtime.den?.distinct)
        ) {
          return undefined;
        }
        const side = (column: RollingColumns | null, side: SideSnapshot | null): RollingDistinct | null => {
          if (side === null) return null;
          if (!side.distinct) {
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
      },
    };
  }

  // an org's own settings, else the '*' default (a map: this is on the hot path)
  private settingsFor(orgId: string): OrgSettings | undefined {
    return this.orgSettings.get(orgId) ?? this.orgSettings.get('*');
  }

  // ---- state lookup ----

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

  private orgState(orgId: string, settings: OrgSettings): OrgState {
    let org = this.orgs.get(orgId);
    if (org === undefined) {
      const state: OrgState = {
        settings,
        org: undefined as unknown as EntityState, // set just below: the entity points back at its org
        teams: new Map(),
        agents: new Map(),
        periodCache: new Map(),
        periodsByDay: new Map(),
        invoiceDueDay: new Map(),
        pendingWriteOffs: new Map(),
      };
      state.org = {
        ref: { level: 'org', id: orgId, orgId },
        org: state,
        slot: this.nextSlot++,
        windows: [],
        ledgers: [],
      };
      this.orgs.set(orgId, state);
      org = state;
    }
    return org;
  }

  private entitiesOf(org: OrgState, e: CanonicalEvent): EntityState[] {
    const list = [org.org];
    const { teamId, agentId } = e.data;
    if (typeof teamId === 'string') list.push(this.entityIn(org, org.teams, 'team', teamId));
    if (typeof agentId === 'string') list.push(this.entityIn(org, org.agents, 'agent', agentId));
    return list;
  }

  private entityIn(org: OrgState, map: Map<string, EntityState>, level: Level, id: string): EntityState {
    let entity = map.get(id);
    if (entity === undefined) {
      entity = { ref: { level, id, orgId: org.org.ref.orgId }, org, slot: this.nextSlot++, windows: [], ledgers: [] };
      map.set(id, entity);
    }
    return entity;
  }

  private findEntity(org: OrgState, level: Level, id: string): EntityState | undefined {
    if (level === 'org') return org.org;
    return (level === 'team' ? org.teams : org.agents).get(id);
  }

  private *entityStates(org: OrgState): Iterable<EntityState> {
    yield org.org;
    yield* org.teams.values();
    yield* org.agents.values();
  }

  private windowStates(entity: EntityState, runtime: IndicatorRuntime): WindowState[] {
    let states = entity.windows[runtime.index];
    if (states === undefined) {
      states = this.newWindowStates(entity, runtime);
      entity.windows[runtime.index] = states;
    }
    return states;
  }

  private newWindowStates(entity: EntityState, runtime: IndicatorRuntime): WindowState[] {
    return runtime.windows.map((window, w): WindowState => {
      const spec = runtime.rolling[w];
      if (isRolling(window) && spec !== null && spec !== undefined) {
        const pair = this.columns[runtime.index]?.[w] as RollingColumnsPair;
        pair.num?.ensure(entity.slot);
        pair.den?.ensure(entity.slot);
        const distinct = (d: boolean | undefined) => (d === true ? new RollingDistinct(spec.buckets) : null);
        return {
          kind: 'rolling',
          window,
          spec,
          touchedAt: 0,
          numDistinct: distinct(runtime.num?.distinct),
          denDistinct: distinct(runtime.den?.distinct),
        };
      }
      const calendarWindow = window as CalendarWindow;
      if (runtime.def.measure.kind === 'manual') return { kind: 'manual', window: calendarWindow, periods: new Map() };
      return { kind: 'calendar', window: calendarWindow, periods: new Map(), latest: null };
    });
  }

  private ledgerOf(org: OrgState, entity: EntityState, runtime: IndicatorRuntime): OverdueLedger {
    let ledger = entity.ledgers[runtime.index];
    if (ledger === undefined) {
      ledger = new OverdueLedger();
      entity.ledgers[runtime.index] = ledger;
      this.moveLedgerCutoff(org, runtime, ledger);
    }
    return ledger;
  }

  private reject(reason: string): EventOutcome {
    this.stats.rejected++;
    return { status: 'rejected', reason, tooLate: NONE_LATE };
  }
}
