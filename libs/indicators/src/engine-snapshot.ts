import type { CanonicalEvent } from '#libs/events';
import { Deduplicator } from './deduplicator';
import type { EngineStats } from './indicator-value';
import type { EntityState, OrgState } from './indicator-engine';
import type { IndicatorRuntime } from './indicator-runtime';
import { OverdueLedger, type OverdueLedgerSnapshot } from './state/overdue-ledger';
import { periodKey, restoreTally, snapshotTally, type PeriodTally, type PeriodTallySnapshot } from './state/period-tally';
import { RollingDistinct, type RollingDistinctSnapshot } from './state/rolling-distinct';
import { RollingSum, type RollingSumSnapshot } from './state/rolling-sum';
import type { ManualScore, RollingSide, WindowState } from './window-state';
import { ROLLING_SPECS } from './windows';

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

type SideSnapshot = { distinct: false; state: RollingSumSnapshot } | { distinct: true; state: RollingDistinctSnapshot };

type WindowSnapshot =
  | { kind: 'rolling'; window: string; num: SideSnapshot; den: SideSnapshot | null }
  | { kind: 'calendar'; window: string; periods: PeriodTallySnapshot[] }
  | { kind: 'manual'; window: string; periods: Omit<ManualScore, 'touchedAt'>[] };

function snapshotSide(side: RollingSide): SideSnapshot {
  return side instanceof RollingSum ? { distinct: false, state: side.snapshot() } : { distinct: true, state: side.snapshot() };
}

function snapshotWindow(s: WindowState): WindowSnapshot {
  switch (s.kind) {
    case 'rolling':
      return { kind: 'rolling', window: s.window, num: snapshotSide(s.num), den: s.den === null ? null : snapshotSide(s.den) };
    case 'calendar':
      return { kind: 'calendar', window: s.window, periods: [...s.periods.values()].map(snapshotTally) };
    case 'manual':
      return {
        kind: 'manual',
        window: s.window,
        periods: [...s.periods.values()].map(({ start, end, timeMs, tie, value }) => ({ start, end, timeMs, tie, value })),
      };
  }
}

export function snapshotEngineState(
  clockMs: number,
  stats: EngineStats,
  dedup: Deduplicator,
  orgs: Iterable<OrgState>,
  runtimes: readonly IndicatorRuntime[],
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
        if (windows !== undefined) item.windows = windows.map(snapshotWindow);
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

function restoreSide(s: SideSnapshot, buckets: number): RollingSide {
  return s.distinct ? RollingDistinct.restore(buckets, s.state) : RollingSum.restore(buckets, s.state);
}

function restoreWindow(runtime: IndicatorRuntime, w: number, s: WindowSnapshot): WindowState | undefined {
  const window = runtime.windows[w];
  if (window !== s.window) return undefined;
  const numDistinct = runtime.num?.distinct ?? false;
  const denDistinct = runtime.den?.distinct ?? false;
  switch (s.kind) {
    case 'rolling': {
      const spec = ROLLING_SPECS[s.window as keyof typeof ROLLING_SPECS];
      if (s.num.distinct !== numDistinct || (s.den !== null && s.den.distinct !== denDistinct)) return undefined;
      return {
        kind: 'rolling',
        window: s.window as keyof typeof ROLLING_SPECS,
        spec,
        num: restoreSide(s.num, spec.buckets),
        den: s.den === null ? null : restoreSide(s.den, spec.buckets),
        touchedAt: 0,
      };
    }
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
): { clockMs: number; stats: EngineStats; dedup: Deduplicator } {
  if (snapshot.version !== 1) throw new Error(`unsupported engine snapshot version ${String(snapshot.version)}`);
  const byId = new Map(runtimes.map((r) => [r.def.id, r]));
  for (const o of snapshot.orgs) {
    const org = orgState(o.id);
    for (const [invoice, day] of o.invoiceDueDay) org.invoiceDueDay.set(invoice, day);
    for (const [invoice, events] of o.pendingWriteOffs) org.pendingWriteOffs.set(invoice, events);
    for (const e of o.entities) {
      const entity: EntityState =
        e.level === 'org' ? org.org : { ref: { level: e.level, id: e.id, orgId: o.id }, org, windows: [], ledgers: [] };
      if (e.level === 'team') org.teams.set(e.id, entity);
      if (e.level === 'agent') org.agents.set(e.id, entity);
      for (const item of e.indicators) {
        const runtime = byId.get(item.indicator);
        if (runtime === undefined) continue;
        if (item.ledger !== undefined) entity.ledgers[runtime.index] = OverdueLedger.restore(item.ledger);
        if (item.windows === undefined || item.windows.length !== runtime.windows.length) continue;
        const states = item.windows.map((s, w) => restoreWindow(runtime, w, s));
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
