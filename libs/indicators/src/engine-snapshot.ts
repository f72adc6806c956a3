import type { CanonicalEvent } from '#libs/events';
import type { DedupDay } from './deduplicator';
import type { EngineStats } from './indicator-value';
import type { InvoiceSnapshot } from './state/invoice-book';
import type { JourneyBookSnapshot } from './state/journey-book';
import type { OverdueLedgerSnapshot } from './state/overdue-ledger';
import type { PeriodTallySnapshot } from './state/period-tally';
import type { RollingDistinctSnapshot } from './state/rolling-distinct';
import type { RollingSumSnapshot } from './state/rolling-columns';
import type { ManualScore } from './window-state';

// A JSON-safe image of the engine's state, for checkpoints. Restoring it into an engine built from the
// same indicator definitions gives the same values; state of indicators or windows that were removed
// from the definitions is dropped (those need a replay). Checkpoints in the databases hold these shapes:
// change them only with a new version, and keep reading the old ones.
export type EngineSnapshot = EngineSnapshotV2 | EngineSnapshotV1;

// Version 2: a clock per org.
export interface EngineSnapshotV2 {
  version: 2;
  floorMs: number | null; // the latest time the engine was moved to (advanceTo): where a new org's clock starts
  stats: EngineStats;
  // idempotency keys of a version-1 snapshot, whose org is not known: forgotten by the floor
  dedup: DedupDay[];
  orgs: OrgSnapshot[];
}

export interface OrgSnapshot {
  id: string;
  clockMs: number | null;
  dedup: DedupDay[]; // the org's idempotency keys (and content fingerprints) by day of event time
  // the org's invoices, each with what was paid and written off against it; absent in checkpoints
  // written before invoices were kept by id, whose two fields below are read once (see restore)
  invoices?: InvoiceSnapshot[];
  invoiceDueDay?: [string, number][];
  pendingWriteOffs?: [string, CanonicalEvent[]][];
  // the open keys of each lifecycle or conversion indicator; absent in checkpoints written before them
  journeys?: JourneyBookSnapshot[];
  entities: EntitySnapshot[];
}

// Version 1 (checkpoints written before clocks were per org): one clock for every org.
export interface EngineSnapshotV1 {
  version: 1;
  clockMs: number | null;
  stats: EngineStats;
  dedup: DedupDay[];
  orgs: Omit<OrgSnapshot, 'clockMs' | 'dedup'>[];
}

export interface EntitySnapshot {
  level: 'agent' | 'team' | 'org';
  id: string;
  indicators: IndicatorStateSnapshot[];
}

// One indicator's state for one entity: windows for terms and manual scores, a ledger for overdue.
export interface IndicatorStateSnapshot extends MeasureStateSnapshot {
  indicator: string;
}

export interface MeasureStateSnapshot {
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

export interface CalendarSnapshot {
  kind: 'calendar';
  window: string;
  periods: PeriodTallySnapshot[];
}

export interface ManualSnapshot {
  kind: 'manual';
  window: string;
  periods: Omit<ManualScore, 'touchedAt'>[];
}

export type WindowSnapshot = RollingSnapshot | CalendarSnapshot | ManualSnapshot;
