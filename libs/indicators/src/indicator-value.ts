import { isRolling, type Level, type RejectionCode, type WindowName } from '#libs/definitions';

export interface EntityRef {
  level: Level;
  id: string; // agentId, teamId or orgId
  orgId: string;
}

// An entity's identity, as a map key
export const entityKey = (e: EntityRef): string => `${e.orgId}|${e.level}|${e.id}`;

// A value row's identity within its entity: a rolling window is one row, a calendar period one of its own
export const valueRowKey = (indicator: string, window: WindowName, periodStart: number): string =>
  `${indicator}|${window}|${isRolling(window) ? 'rolling' : periodStart}`;

// One indicator's value for one entity in one window, as of the engine's clock.
export interface IndicatorValue {
  indicator: string;
  entity: EntityRef;
  window: WindowName;
  periodStart: number; // UTC ms, inclusive
  periodEnd: number; // UTC ms: exclusive for calendar periods, the clock for rolling windows
  value: number | null; // null: no data (zero denominator, no manual score, no open balance)
  numerator: number | null;
  denominator: number | null;
}

export interface TooLate {
  indicator: string;
  window: WindowName;
  periodStart: number;
}

export type FoldStatus = 'applied' | 'ignored' | 'duplicate' | 'too-late' | 'rejected';

export interface EventOutcome {
  status: FoldStatus;
  reason?: string; // for rejected and too-late
  field?: string; // rejected: the field at fault
  code?: RejectionCode; // rejected: why, as a stable code
  tooLate: readonly TooLate[]; // closed periods the event would have changed: counted here, not folded in
}

export interface FoldResult extends EventOutcome {
  changes: IndicatorValue[]; // new values of what the event changed
  closed: IndicatorValue[]; // final values of calendar periods that closed as the clock moved
}

export interface BatchResult {
  outcomes: EventOutcome[]; // one per event, in order
  changes: IndicatorValue[]; // each value the batch changed, once, as it stands after the batch
  closed: IndicatorValue[];
}

export interface EngineStats {
  applied: number;
  ignored: number;
  duplicate: number;
  tooLate: number; // events too late for at least one window
  rejected: number;
  // payments folded before their invoice was seen (or of an invoice never seen): held for that invoice,
  // never taken from another's balance
  unknownInvoicePayments: number;
  // keys of lifecycle and conversion indicators dropped after their horizon without a pair (a ticket never
  // replied to, a reply whose ticket.created never came)
  expiredKeys: number;
}
