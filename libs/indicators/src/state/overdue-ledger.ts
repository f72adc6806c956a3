// Open receivables of one entity, by the local due date (day number) of the invoices: each day the sum of
// its open invoices' balances (state/invoice-book.ts) and how many they are.
// Overdue = balance of the days before the cutoff (as-of date − afterDays). Moving the cutoff adds the
// days it passes; an event adds its amount to its day and, if that day is already overdue, to overdue.
// Balances are floats: the counts, not the sums, say when a day or the whole ledger is settled, so a
// settled ledger reads exactly 0 whatever residue the additions left.
export interface OverdueLedgerSnapshot {
  // 'invoice': the sums of the org's invoices' open balances (absent: a checkpoint from before, dropped)
  basis?: 'invoice';
  cutoff: number | null;
  // [day, balance, open invoices]; a checkpoint from before the counts has none (the ledger is rebuilt)
  days: [number, number, number?][];
}

interface Day {
  balance: number;
  invoices: number;
}

export class OverdueLedger {
  private readonly days = new Map<number, Day>();
  private cutoff = Number.NEGATIVE_INFINITY;
  private open = 0;
  private openCount = 0;
  private overdue = 0;
  private overdueCount = 0;
  touchedAt = 0; // the engine's batch that last reported it

  // An invoice's balance enters its due day (invoices 1) or leaves it (amount negated, invoices −1).
  apply(dueDay: number, amount: number, invoices: 1 | -1): void {
    let day = this.days.get(dueDay);
    if (day === undefined) {
      day = { balance: 0, invoices: 0 };
      this.days.set(dueDay, day);
    }
    day.balance += amount;
    day.invoices += invoices;
    if (day.invoices === 0) this.days.delete(dueDay);
    this.openCount += invoices;
    this.open = this.openCount === 0 ? 0 : this.open + amount;
    if (dueDay < this.cutoff) {
      this.overdueCount += invoices;
      this.overdue = this.overdueCount === 0 ? 0 : this.overdue + amount;
    }
  }

  // true when the overdue balance changed
  moveCutoff(cutoff: number): boolean {
    // Stryker disable next-line EqualityOperator: moving to the same cutoff passes no day and reports no change
    if (cutoff <= this.cutoff) return false;
    const before = this.overdue;
    // Stryker disable next-line ConditionalExpression,EqualityOperator: stepping and recounting give the same sum; the test picks the cheaper
    if (cutoff - this.cutoff > this.days.size) {
      this.overdue = 0;
      this.overdueCount = 0;
      for (const [d, day] of this.days) if (d < cutoff) this.addOverdue(day);
    } else {
      for (let d = this.cutoff; d < cutoff; d++) {
        const day = this.days.get(d);
        if (day !== undefined) this.addOverdue(day);
      }
    }
    this.cutoff = cutoff;
    return this.overdue !== before;
  }

  private addOverdue(day: Day): void {
    this.overdue += day.balance;
    this.overdueCount += day.invoices;
  }

  // Forgets the cutoff (the clock was set back): the next moveCutoff counts the overdue days afresh.
  resetCutoff(): void {
    this.cutoff = Number.NEGATIVE_INFINITY;
    this.overdue = 0;
    this.overdueCount = 0;
  }

  get openBalance(): number {
    return this.open;
  }

  get openInvoices(): number {
    return this.openCount;
  }

  get overdueBalance(): number {
    return this.overdue;
  }

  snapshot(): OverdueLedgerSnapshot {
    return {
      basis: 'invoice',
      cutoff: Number.isFinite(this.cutoff) ? this.cutoff : null,
      days: [...this.days].map(([d, day]) => [d, day.balance, day.invoices]),
    };
  }

  // undefined for a snapshot without counts, which the caller rebuilds from its invoices
  static restore(s: OverdueLedgerSnapshot): OverdueLedger | undefined {
    const l = new OverdueLedger();
    for (const [d, balance, invoices] of s.days) {
      if (invoices === undefined) return undefined;
      l.days.set(d, { balance, invoices });
      l.open += balance;
      l.openCount += invoices;
    }
    if (s.cutoff !== null) l.moveCutoff(s.cutoff);
    return l;
  }
}
