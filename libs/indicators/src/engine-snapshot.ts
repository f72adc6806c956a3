import type { CanonicalEvent } from '#libs/events';
import { Deduplicator } from './deduplicator';
import type { EngineStats } from './indicator-value';
import type { EntityState, OrgState } from './indicator-engine';
import type { IndicatorRuntime } from './indicator-runtime';
import { OverdueLedger, type OverdueLedgerSnapshot } from './state/overdue-ledger';
import {
  periodKey,
  restoreTally,
  snapshotTally,
  type PeriodTally,
  type PeriodTallySnapshot,
} from './state/period-tally';
import type { RollingDistinctSnapshot } from './state/rolling-distinct';
import type { RollingSumSnapshot } from './state/rolling-columns';
import type { ManualScore, RollingState, WindowState } from './window-state';

// A JSON-safe image of the engine's state, for checkpoints. Restoring it into an engine built from the
// same indicator definitions gives the same values; state of indicators or windows that were removed
// from the definitions is dropped (those need a replay).
export interface EngineSnapshot {
  version: 1;
  clockMs: number | null;
  stats: EngineStats;
  dedup: [number, string[]][];
  orgs: OrgSnapshot[];
}

interface OrgSnapshot {
  id: string;
  invoiceDueDay: [string, number][];
  pendingWriteOffs: [string, CanonicalEvent[]][];
  entities: EntitySnapshot[];
}

interface EntitySnapshot {
  level: 'agent' | 'team' | 'org';
  id: string;
  indicators: IndicatorStateSnapshot[];
}

interface IndicatorStateSnapshot {
  indicator: string;
  windows?: WindowSnapshot[];
  ledger?: OverdueLedgerSnapshot;
}

export type SideSnapshot =
  { distinct: false; state: RollingSumSnapshot } | { distinct: true; state: RollingDistinctSnapshot };

export interface RollingSnapshot {
  kind: 'rolling';
  window: string;
  num: SideSnapshot;
  den: SideSnapshot | null;
}

// The engine keeps additive rolling sides in shared columns; these reach them for one entity.
export interface RollingAccess {
  snapshot(entity: EntityState, runtime: IndicatorRuntime, w: number, s: RollingState): RollingSnapshot;
  restore(entity: EntityState, runtime: IndicatorRuntime, w: number, s: RollingSnapshot): RollingState | undefined;
}

type WindowSnapshot =
  | RollingSnapshot
  | { kind: 'calendar'; window: string; periods: PeriodTallySnapshot[] }
  | { kind: 'manual'; window: string; periods: Omit<ManualScore, 'touchedAt'>[] };

function snapshotWindow(
  entity: EntityState,
  runtime: IndicatorRuntime,
  w: number,
  s: WindowState,
  rolling: RollingAccess,
): WindowSnapshot {
  switch (s.kind) {
    case 'rolling':
      return rolling.snapshot(entity, runtime, w, s);
    case 'calendar':
      return { kind: 'calendar', window: s.window, periods: [...s.periods.values()].map(snapshotTally) };
    case 'manual':
      return {
        kind: 'manual',
        window: s.window,
        periods: [...s.periods.values()].map(({ start, end, timeMs, tie, value }) => ({
          start,
          end,
          timeMs,
          tie,
          value,
        })),
      };
  }
}

export function snapshotEngineState(
  clockMs: number,
  stats: EngineStats,
  dedup: Deduplicator,
  orgs: Iterable<OrgState>,
  runtimes: readonly IndicatorRuntime[],
  rolling: RollingAccess,
): EngineSnapshot {
  const orgSnapshots: OrgSnapshot[] = [];
  for (const org of orgs) {
    const entities: EntitySnapshot[] = [];
    for (const entity of [org.org, ...org.teams.values(), ...org.agents.values()]) {
      const indicators: IndicatorStateSnapshot[] = [];
      for (const runtime of runtimes) {
        const windows = entity.windows[runtime.index];
        const ledger = entity.ledgers[runtime.index];
        if (windows === undefined && ledger === undefined) continue;
        const item: IndicatorStateSnapshot = { indicator: runtime.def.id };
        if (windows !== undefined) item.windows = windows.map((s, w) => snapshotWindow(entity, runtime, w, s, rolling));
        if (ledger !== undefined) item.ledger = ledger.snapshot();
        indicators.push(item);
      }
      entities.push({ level: entity.ref.level, id: entity.ref.id, indicators });
    }
    orgSnapshots.push({
      id: org.org.ref.orgId,
      invoiceDueDay: [...org.invoiceDueDay],
      pendingWriteOffs: [...org.pendingWriteOffs],
      entities,
    });
  }
  return {
    version: 1,
    clockMs: Number.isFinite(clockMs) ? clockMs : null,
    stats: { ...stats },
    dedup: dedup.snapshot(),
    orgs: orgSnapshots,
  };
}

function restoreWindow(
  entity: EntityState,
  runtime: IndicatorRuntime,
  w: number,
  s: WindowSnapshot,
  rolling: RollingAccess,
): WindowState | undefined {
  if (runtime.windows[w] !== s.window) return undefined;
  const numDistinct = runtime.num?.distinct ?? false;
  const denDistinct = runtime.den?.distinct ?? false;
  switch (s.kind) {
    case 'rolling':
      return rolling.restore(entity, runtime, w, s);
    case 'calendar': {
      const periods = new Map(s.periods.map((p) => [periodKey(p.start), restoreTally(p, numDistinct, denDistinct)]));
      let latest: PeriodTally | null = null;
      for (const p of periods.values()) if (latest === null || p.start > latest.start) latest = p;
      return { kind: 'calendar', window: s.window as 'month', periods, latest };
    }
    case 'manual':
      return {
        kind: 'manual',
        window: s.window as 'month',
        periods: new Map(s.periods.map((p) => [periodKey(p.start), { ...p, touchedAt: 0 }])),
      };
  }
}

export function restoreEngineState(
  snapshot: EngineSnapshot,
  runtimes: readonly IndicatorRuntime[],
  orgState: (orgId: string) => OrgState,
  newEntity: (org: OrgState, level: 'team' | 'agent', id: string) => EntityState,
  rolling: RollingAccess,
): { clockMs: number; stats: EngineStats; dedup: Deduplicator } {
  if (snapshot.version !== 1) throw new Error(`unsupported engine snapshot version ${String(snapshot.version)}`);
  const byId = new Map(runtimes.map((r) => [r.def.id, r]));
  for (const o of snapshot.orgs) {
    const org = orgState(o.id);
    for (const [invoice, day] of o.invoiceDueDay) org.invoiceDueDay.set(invoice, day);
    for (const [invoice, events] of o.pendingWriteOffs) org.pendingWriteOffs.set(invoice, events);
    for (const e of o.entities) {
      const entity = e.level === 'org' ? org.org : newEntity(org, e.level, e.id);
      for (const item of e.indicators) {
        const runtime = byId.get(item.indicator);
        if (runtime === undefined) continue;
        if (item.ledger !== undefined) entity.ledgers[runtime.index] = OverdueLedger.restore(item.ledger);
        if (item.windows === undefined || item.windows.length !== runtime.windows.length) continue;
        const states = item.windows.map((s, w) => restoreWindow(entity, runtime, w, s, rolling));
        if (states.every((s): s is WindowState => s !== undefined)) entity.windows[runtime.index] = states;
      }
    }
  }
  return {
    clockMs: snapshot.clockMs ?? Number.NEGATIVE_INFINITY,
    stats: { ...snapshot.stats },
    dedup: Deduplicator.restore(snapshot.dedup),
  };
}
