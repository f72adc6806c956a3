import {
  isRolling,
  manualScoreProblem,
  type EventProblem,
  type IndicatorDef,
  type Level,
  type WindowName,
} from '#libs/definitions';
import { idempotencyKey, type CanonicalEvent } from '#libs/events';
import type { CalendarWindow, Period } from '#libs/time';
import type { EventContext } from '../compiled-term';
import type { MeasureStateSnapshot, WindowSnapshot } from '../engine-snapshot';
import { currentPeriod, periodOf, type EntityState, type OrgState } from '../engine-state';
import type { IndicatorRuntime } from '../indicator-runtime';
import type { IndicatorValue, TooLate } from '../indicator-value';
import { periodKey } from '../state/period-tally';
import type { ManualScoreState, ManualState } from '../window-state';
import { emptyReading } from '../empty-reading';
import type { EngineHost, MeasureKind } from './measure-kind';

export const MANUAL_SCORE_TYPE = 'kpi.manual_score';

// Scores a reviewer gives by hand: the latest score per calendar period (manual indicators take
// calendar windows only; the definitions refuse rolling ones).
export class ManualScoreMeasure implements MeasureKind {
  // Stryker disable next-line ArrayDeclaration: the engine routes kpi.manual_score here itself (indicator-engine.ts)
  readonly eventTypes: readonly string[] = [MANUAL_SCORE_TYPE];
  private readonly byId = new Map<string, IndicatorRuntime>();
  // Stryker disable next-line ArrayDeclaration: a text among the definitions has no id: never found
  private readonly defs: IndicatorDef[] = [];

  constructor(
    runtimes: readonly IndicatorRuntime[],
    private readonly host: EngineHost,
  ) {
    for (const r of runtimes)
      // Stryker disable next-line ConditionalExpression: check() refuses a score of any other kind before fold
      if (r.def.measure.kind === 'manual') {
        this.byId.set(r.def.id, r);
        this.defs.push(r.def);
      }
  }

  // the same rules as ingest's check (scale, reviewers): a score that slipped past it is refused here
  check(e: CanonicalEvent): EventProblem | undefined {
    return manualScoreProblem(e, this.defs);
  }

  fold(
    org: OrgState,
    entities: readonly EntityState[],
    e: CanonicalEvent,
    ctx: EventContext,
    tooLate: TooLate[],
  ): void {
    const runtime = this.byId.get(String(e.data.indicator));
    const value = e.data.value;
    // Stryker disable next-line ConditionalExpression,LogicalOperator: check() refused both before fold
    if (runtime === undefined || typeof value !== 'number') return; // the engine rejected it already
    // a manual score is about one entity: the deepest one the event names
    const level: Level = e.data.agentId !== undefined ? 'agent' : e.data.teamId !== undefined ? 'team' : 'org';
    if (!runtime.levels[level]) return;
    const entity = entities.find((x) => x.ref.level === level) as EntityState;
    const tie = idempotencyKey(e);
    runtime.windows.forEach((window, w) => {
      if (isRolling(window)) return;
      const period = periodOf(org, window, ctx.timeMs);
      if (this.host.tooLateFor(org, runtime, window, period, tooLate)) return;
      const s = this.statesOf(entity, runtime)[w] as ManualState;
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
        this.host.scheduleClose(entity, runtime, w, period.start, period.end);
      } else {
        score.timeMs = ctx.timeMs;
        score.tie = tie;
        score.value = value;
      }
      this.host.touch(entity, runtime, w, period.start, score);
    });
  }

  read(entity: EntityState, runtime: IndicatorRuntime, w: number, periodStart: number): IndicatorValue {
    const window = runtime.windows[w] as WindowName;
    const s = this.stateOf(entity, runtime, w);
    const period = Number.isNaN(periodStart)
      ? currentPeriod(entity.org, window, this.host.clock(entity.org))
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

  empty(runtime: IndicatorRuntime): Pick<IndicatorValue, 'value' | 'numerator' | 'denominator'> {
    return emptyReading(runtime.def.measure);
  }

  // a score ahead of the clock sits in its own period: the current ones do not read it
  clockSetBack(): void {}

  clockMoved(): void {
    // a score holds until its period closes
  }

  isOpen(entity: EntityState, runtime: IndicatorRuntime, w: number, periodStart: number): boolean {
    return this.stateOf(entity, runtime, w).periods.has(periodKey(periodStart));
  }

  closePeriod(entity: EntityState, runtime: IndicatorRuntime, w: number, periodStart: number): void {
    this.stateOf(entity, runtime, w).periods.delete(periodKey(periodStart));
  }

  openPeriods(
    entity: EntityState,
    runtime: IndicatorRuntime,
    visit: (w: number, start: number, end: number) => void,
  ): void {
    (entity.states[runtime.index] as ManualScoreState).forEach((s, w) => {
      for (const p of s.periods.values()) visit(w, p.start, p.end);
    });
  }

  snapshot(entity: EntityState, runtime: IndicatorRuntime): MeasureStateSnapshot {
    return {
      windows: (entity.states[runtime.index] as ManualScoreState).map((s): WindowSnapshot => ({
        kind: 'manual',
        window: s.window,
        periods: [...s.periods.values()].map(({ start, end, timeMs, tie, value }) => ({
          start,
          end,
          timeMs,
          tie,
          value,
        })),
      })),
    };
  }

  restore(entity: EntityState, runtime: IndicatorRuntime, snap: MeasureStateSnapshot): void {
    if (snap.windows === undefined || snap.windows.length !== runtime.windows.length) return;
    const states = snap.windows.map((s, w): ManualState | undefined =>
      runtime.windows[w] === s.window && s.kind === 'manual'
        ? {
            // Stryker disable next-line StringLiteral: nothing reads a manual state's kind (its measure is known)
            kind: 'manual',
            window: s.window as CalendarWindow,
            periods: new Map(s.periods.map((p) => [periodKey(p.start), { ...p, touchedAt: 0 }])),
          }
        : undefined,
    );
    if (states.every((s) => s !== undefined)) entity.states[runtime.index] = states;
  }

  private stateOf(entity: EntityState, runtime: IndicatorRuntime, w: number): ManualState {
    return (entity.states[runtime.index] as ManualScoreState)[w] as ManualState;
  }

  private statesOf(entity: EntityState, runtime: IndicatorRuntime): ManualScoreState {
    let states = entity.states[runtime.index] as ManualScoreState | undefined;
    if (states === undefined) {
      states = runtime.windows.map((window) => ({
        // Stryker disable next-line StringLiteral: nothing reads a manual state's kind (its measure is known)
        kind: 'manual',
        window: window as CalendarWindow,
        periods: new Map(),
      }));
      entity.states[runtime.index] = states;
    }
    return states;
  }
}
