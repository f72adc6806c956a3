// Open receivables of one entity, by the local due date (day number) of the invoices: each day the sum of
// its invoices' open balances (state/invoice-book.ts), so never below 0.
// Overdue = balance of the days before the cutoff (as-of date − afterDays). Moving the cutoff adds the
// days it passes; an event adds its amount to its day and, if that day is already overdue, to overdue.
export interface OverdueLedgerSnapshot {
  // 'invoice': the sums of the org's invoices' open balances (absent: a checkpoint from before, dropped)
  basis?: 'invoice';
  cutoff: number | null;
  days: [number, number][];
}

export class OverdueLedger {
  private readonly days = new Map<number, number>();
  private cutoff = Number.NEGATIVE_INFINITY;
  private open = 0;
  private overdue = 0;
  touchedAt = 0; // the engine's batch that last reported it

  apply(dueDay: number, amount: number): void {
    const day = (this.days.get(dueDay) ?? 0) + amount;
    // a day whose invoices are all settled leaves the map (rounding aside), which stays as small as the open days
    if (Math.abs(day) < 1e-9) this.days.delete(dueDay);
    else this.days.set(dueDay, day);
    this.open += amount;
    if (dueDay < this.cutoff) this.overdue += amount;
  }

  // true when the overdue balance changed
  moveCutoff(cutoff: number): boolean {
    // Stryker disable next-line EqualityOperator: moving to the same cutoff passes no day and reports no change
    if (cutoff <= this.cutoff) return false;
    const before = this.overdue;
    // Stryker disable next-line ConditionalExpression,EqualityOperator: stepping and recounting give the same sum; the test picks the cheaper
    if (cutoff - this.cutoff > this.days.size) {
      let overdue = 0;
      for (const [day, amount] of this.days) if (day < cutoff) overdue += amount;
      this.overdue = overdue;
    } else {
      for (let d = this.cutoff; d < cutoff; d++) this.overdue += this.days.get(d) ?? 0;
    }
    this.cutoff = cutoff;
    return this.overdue !== before;
  }

  // Forgets the cutoff (the clock was set back): the next moveCutoff counts the overdue days afresh.
  resetCutoff(): void {
    this.cutoff = Number.NEGATIVE_INFINITY;
    this.overdue = 0;
  }

  get openBalance(): number {
    return this.open;
  }

  get overdueBalance(): number {
    return this.overdue;
  }

  snapshot(): OverdueLedgerSnapshot {
    return { basis: 'invoice', cutoff: Number.isFinite(this.cutoff) ? this.cutoff : null, days: [...this.days] };
  }

  static restore(s: OverdueLedgerSnapshot): OverdueLedger {
    const l = new OverdueLedger();
    for (const [day, amount] of s.days) {
      l.days.set(day, amount);
      l.open += amount;
    }
    if (s.cutoff !== null) l.moveCutoff(s.cutoff);
    return l;
  }
}
