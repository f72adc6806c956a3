import type { WindowName } from '#libs/definitions';
import { idempotencyKey, type CanonicalEvent } from '#libs/events';
import { dayNumberOfDate, localDayNumber } from '#libs/time';
import type { EventContext } from '../compiled-term';
import type { MeasureStateSnapshot } from '../engine-snapshot';
import { currentPeriod, type EntityState, type OrgState } from '../engine-state';
import type { IndicatorRuntime } from '../indicator-runtime';
import type { IndicatorValue } from '../indicator-value';
import { openBalance, supersedes, type InvoiceIssue } from '../state/invoice-book';
import { OverdueLedger } from '../state/overdue-ledger';
import { emptyReading } from '../empty-reading';
import type { EngineHost, MeasureKind } from './measure-kind';

export const OVERDUE_EVENT_TYPES = ['invoice.issued', 'payment.received', 'invoice.written_off'] as const;

// Overdue receivables: the org's invoices by id (state/invoice-book.ts), each open for
// max(0, issued − paid − written off), and one ledger per (indicator, entity) of those open balances by
// due day, whatever the window: an invoice counts for the org, team and agent of its invoice.issued, a
// payment or write-off only moves the balance of the invoice it names. The value is the balance more than
// afterDays past due over the open balance, as of the clock.
export class OverdueReceivablesMeasure implements MeasureKind {
  readonly eventTypes: readonly string[];
  private readonly runtimes: IndicatorRuntime[];

  constructor(
    runtimes: readonly IndicatorRuntime[],
    private readonly host: EngineHost,
  ) {
    this.runtimes = runtimes.filter((r) => r.def.measure.kind === 'overdue-ratio');
    // Stryker disable next-line ArrayDeclaration: no event has the type "Stryker was here"
    this.eventTypes = this.runtimes.length > 0 ? OVERDUE_EVENT_TYPES : [];
  }

  fold(org: OrgState, entities: readonly EntityState[], e: CanonicalEvent, ctx: EventContext): void {
    const { invoiceId, amount } = e.data;
    if (typeof invoiceId !== 'string' || typeof amount !== 'number' || Number.isNaN(amount)) return;
    let invoice = org.invoices.invoices.get(invoiceId);
    if (invoice === undefined) {
      invoice = { issue: undefined, paid: 0, writtenOff: 0 };
      org.invoices.invoices.set(invoiceId, invoice);
    }
    const before = invoice.issue;
    const openBefore = openBalance(invoice);
    switch (e.type) {
      case 'invoice.issued': {
        const dueDay = dayNumberOfDate(String(e.data.dueDate));
        if (Number.isNaN(dueDay)) return;
        // the invoice counts for its own event's team and agent, whoever later pays it
        const issue: InvoiceIssue = {
          amount,
          dueDay,
          timeMs: ctx.timeMs,
          key: idempotencyKey(e),
          team: entities.find((x) => x.ref.level === 'team')?.ref.id,
          agent: entities.find((x) => x.ref.level === 'agent')?.ref.id,
        };
        if (!supersedes(issue, invoice.issue)) return;
        invoice.issue = issue;
        break;
      }
      case 'payment.received':
        if (invoice.issue === undefined) this.host.notePaymentOfUnknownInvoice();
        invoice.paid += amount;
        break;
      default:
        invoice.writtenOff += amount;
    }
    // the invoice's old balance leaves its old owner and due day, the new one enters the new
    // Stryker disable next-line LogicalOperator: an invoice without its invoice.issued has no open balance
    if (before !== undefined && openBefore !== 0) this.apply(org, before, -openBefore, -1);
    if (invoice.issue !== undefined) {
      const open = openBalance(invoice);
      if (open !== 0) this.apply(org, invoice.issue, open, 1);
    }
  }

  private apply(org: OrgState, issue: InvoiceIssue, delta: number, invoices: 1 | -1): void {
    const owners = [org.org];
    if (issue.team !== undefined) owners.push(this.host.entity(org, 'team', issue.team));
    // Stryker disable next-line StringLiteral: the agent exists since its invoice.issued named it (found by id)
    if (issue.agent !== undefined) owners.push(this.host.entity(org, 'agent', issue.agent));
    for (const runtime of this.runtimes) {
      for (const entity of owners) {
        if (!runtime.levels[entity.ref.level]) continue;
        const ledger = this.ledgerOf(entity, runtime);
        ledger.apply(issue.dueDay, delta, invoices);
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
    const hasOpen = ledger.openInvoices > 0;
    // each invoice's open balance is ≥ 0 and overdue is a part of it: within [0, 1] up to rounding
    return {
      indicator: runtime.def.id,
      entity: entity.ref,
      window,
      periodStart: period.start,
      periodEnd: period.end,
      value: hasOpen ? Math.min(1, Math.max(0, ledger.overdueBalance / open)) : null,
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

  // Stryker disable next-line BlockStatement: never asked: a ledger schedules no close and reports no period
  isOpen(): boolean {
    // Stryker disable next-line BooleanLiteral: the same
    return true; // a ledger has no periods to close
  }

  closePeriod(): void {}

  openPeriods(): void {}

  snapshot(entity: EntityState, runtime: IndicatorRuntime): MeasureStateSnapshot {
    return { ledger: (entity.states[runtime.index] as OverdueLedger).snapshot() };
  }

  restore(entity: EntityState, runtime: IndicatorRuntime, snap: MeasureStateSnapshot): void {
    // a ledger of a checkpoint from before invoices were kept by id (no basis) is dropped with its invoices;
    // one from before the ledger counted invoices is rebuilt from the org's invoices, restored before it
    if (snap.ledger?.basis !== 'invoice') return;
    entity.states[runtime.index] = OverdueLedger.restore(snap.ledger) ?? this.rebuild(entity);
  }

  private rebuild(entity: EntityState): OverdueLedger {
    const ledger = new OverdueLedger();
    const { level, id } = entity.ref;
    for (const invoice of entity.org.invoices.invoices.values()) {
      const issue = invoice.issue;
      if (issue === undefined) continue;
      if ((level === 'team' && issue.team !== id) || (level === 'agent' && issue.agent !== id)) continue;
      const open = openBalance(invoice);
      if (open !== 0) ledger.apply(issue.dueDay, open, 1);
    }
    return ledger;
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
    // Stryker disable next-line all: this.runtimes are overdue ratios only; the test narrows the measure's type
    if (m.kind !== 'overdue-ratio') return false;
    return ledger.moveCutoff(localDayNumber(org.settings.timeZone, this.host.clock(org)) - m.afterDays);
  }
}
