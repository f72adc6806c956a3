// Open receivables of one entity, by the local due date (day number) of the invoices.
// Overdue = balance of the days before the cutoff (as-of date − afterDays). Moving the cutoff adds the
// days it passes; an event adds its amount to its day and, if that day is already overdue, to overdue.
export interface OverdueLedgerSnapshot {
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
    this.days.set(dueDay, (this.days.get(dueDay) ?? 0) + amount);
    this.open += amount;
    if (dueDay < this.cutoff) this.overdue += amount;
  }

  // true when the overdue balance changed
  moveCutoff(cutoff: number): boolean {
    if (cutoff <= this.cutoff) return false;
    const before = this.overdue;
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
    return { cutoff: Number.isFinite(this.cutoff) ? this.cutoff : null, days: [...this.days] };
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
