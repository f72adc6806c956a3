import type { WindowName } from '#libs/definitions';
import type { CanonicalEvent } from '#libs/events';
import { dayNumberOfDate, localDayNumber } from '#libs/time';
import type { MeasureStateSnapshot } from '../engine-snapshot';
import { currentPeriod, type EntityState, type OrgState } from '../engine-state';
import type { IndicatorRuntime } from '../indicator-runtime';
import type { IndicatorValue } from '../indicator-value';
import { OverdueLedger } from '../state/overdue-ledger';
import { emptyReading } from '../empty-reading';
import type { EngineHost, MeasureKind } from './measure-kind';

export const OVERDUE_EVENT_TYPES = ['invoice.issued', 'payment.received', 'invoice.written_off'] as const;

// Overdue receivables: one ledger per (indicator, entity) of open balances by due day, whatever the
// window; the value is the balance more than afterDays past due over the open balance, as of the clock.
export class OverdueReceivablesMeasure implements MeasureKind {
  readonly eventTypes: readonly string[];
  private readonly runtimes: IndicatorRuntime[];

  constructor(
    runtimes: readonly IndicatorRuntime[],
    private readonly host: EngineHost,
  ) {
    this.runtimes = runtimes.filter((r) => r.def.measure.kind === 'overdue-ratio');
    this.eventTypes = this.runtimes.length > 0 ? OVERDUE_EVENT_TYPES : [];
  }

  fold(org: OrgState, entities: readonly EntityState[], e: CanonicalEvent): void {
    const invoiceId = String(e.data.invoiceId);
    const amount = e.data.amount as number;
    const invoices = org.invoices;
    let dueDay: number;
    let delta: number;
    switch (e.type) {
      case 'invoice.issued': {
        dueDay = dayNumberOfDate(String(e.data.dueDate));
        delta = amount;
        invoices.dueDay.set(invoiceId, dueDay);
        const pending = invoices.pendingWriteOffs.get(invoiceId);
        if (pending !== undefined) {
          invoices.pendingWriteOffs.delete(invoiceId);
          for (const w of pending) this.fold(org, this.host.entitiesOf(org, w), w);
        }
        break;
      }
      case 'payment.received':
        dueDay = dayNumberOfDate(String(e.data.invoiceDueDate));
        delta = -amount;
        break;
      default: {
        const known =
          typeof e.data.dueDate === 'string' ? dayNumberOfDate(e.data.dueDate) : invoices.dueDay.get(invoiceId);
        if (known === undefined) {
          // the write-off arrived before its invoice: apply it when the invoice comes
          const list = invoices.pendingWriteOffs.get(invoiceId) ?? [];
          list.push(e);
          invoices.pendingWriteOffs.set(invoiceId, list);
          return;
        }
        dueDay = known;
        delta = -amount;
      }
    }
    if (Number.isNaN(dueDay) || Number.isNaN(delta)) return;
    for (const runtime of this.runtimes) {
      for (const entity of entities) {
        if (!runtime.levels[entity.ref.level]) continue;
        const ledger = this.ledgerOf(entity, runtime);
        ledger.apply(dueDay, delta);
        // one ledger serves every window of the indicator: report each window once per batch
        this.host.touchEveryWindow(entity, runtime, ledger);
      }
    }
  }

  read(entity: EntityState, runtime: IndicatorRuntime, w: number): IndicatorValue {
    const window = runtime.windows[w] as WindowName;
    const ledger = entity.states[runtime.index] as OverdueLedger;
    this.moveCutoff(entity.org, runtime, ledger);
    const period = currentPeriod(entity.org, window, this.host.clock(entity.org));
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

  empty(runtime: IndicatorRuntime): Pick<IndicatorValue, 'value' | 'numerator' | 'denominator'> {
    return emptyReading(runtime.def.measure);
  }

  clockSetBack(entity: EntityState, runtime: IndicatorRuntime): void {
    const ledger = entity.states[runtime.index] as OverdueLedger;
    ledger.resetCutoff();
    this.moveCutoff(entity.org, runtime, ledger);
  }

  // the overdue cutoff moves with the clock's local date: every window reads the moved ledger
  clockMoved(entity: EntityState, runtime: IndicatorRuntime, changed: (w: number) => void): void {
    if (!this.moveCutoff(entity.org, runtime, entity.states[runtime.index] as OverdueLedger)) return;
    for (let w = 0; w < runtime.windows.length; w++) changed(w);
  }

  isOpen(): boolean {
    return true; // a ledger has no periods to close
  }

  closePeriod(): void {}

  openPeriods(): void {}

  snapshot(entity: EntityState, runtime: IndicatorRuntime): MeasureStateSnapshot {
    return { ledger: (entity.states[runtime.index] as OverdueLedger).snapshot() };
  }

  restore(entity: EntityState, runtime: IndicatorRuntime, snap: MeasureStateSnapshot): void {
    if (snap.ledger !== undefined) entity.states[runtime.index] = OverdueLedger.restore(snap.ledger);
  }

  private ledgerOf(entity: EntityState, runtime: IndicatorRuntime): OverdueLedger {
    let ledger = entity.states[runtime.index] as OverdueLedger | undefined;
    if (ledger === undefined) {
      ledger = new OverdueLedger();
      entity.states[runtime.index] = ledger;
      this.moveCutoff(entity.org, runtime, ledger);
    }
    return ledger;
  }

  private moveCutoff(org: OrgState, runtime: IndicatorRuntime, ledger: OverdueLedger): boolean {
    const m = runtime.def.measure;
    if (m.kind !== 'overdue-ratio') return false;
    return ledger.moveCutoff(localDayNumber(org.settings.timeZone, this.host.clock(org)) - m.afterDays);
  }
}
