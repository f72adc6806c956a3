import type { PeriodTally } from './period-tally';

// One open calendar period of one window, for every entity of an org together: a row per entity
// (EntityState.row) holding the total of every additive term, and per (entity, indicator) cell whether
// the indicator holds the period and which fold last reported it. A term that several indicators share
// is added once per entity, and an event touches a few typed-array cells instead of an object per
// (entity, indicator) — the fold is memory-bound once thousands of agents are live.
export class PeriodRows {
  sums: Float64Array; // row × term column
  open: Uint8Array; // cell (row × indicator): 1 while the indicator holds the period for the entity
  reportedAt: Float64Array; // cell: the engine's fold sequence that last reported it
  // cell: the sets of an indicator's distinct sides (their counts are the tally's num and den)
  readonly distinct = new Map<number, PeriodTally>();
  openCells = 0; // the rows are dropped when the last indicator has closed the period
  private capacity: number;

  constructor(
    readonly start: number,
    readonly end: number,
    private readonly terms: number,
    private readonly indicators: number,
    rows: number,
  ) {
    this.capacity = Math.max(16, rows);
    this.sums = new Float64Array(this.capacity * terms);
    this.open = new Uint8Array(this.capacity * indicators);
    this.reportedAt = new Float64Array(this.capacity * indicators);
  }

  // grows the arrays to hold the entity's row: new entities of the org join during a period
  ensure(row: number): void {
    if (row < this.capacity) return;
    const capacity = Math.max(this.capacity * 2, row + 1);
    const grow = <T extends Float64Array | Uint8Array>(from: T, to: T): T => {
      to.set(from);
      return to;
    };
    this.sums = grow(this.sums, new Float64Array(capacity * this.terms));
    this.open = grow(this.open, new Uint8Array(capacity * this.indicators));
    this.reportedAt = grow(this.reportedAt, new Float64Array(capacity * this.indicators));
    this.capacity = capacity;
  }

  cell(row: number, indicator: number): number {
    return row * this.indicators + indicator;
  }

  isOpen(row: number, indicator: number): boolean {
    return row < this.capacity && this.open[this.cell(row, indicator)] === 1;
  }

  sum(row: number, column: number): number {
    return this.sums[row * this.terms + column] as number;
  }

  add(row: number, column: number, amount: number): void {
    const i = row * this.terms + column;
    this.sums[i] = (this.sums[i] as number) + amount;
  }

  setSum(row: number, column: number, value: number): void {
    this.sums[row * this.terms + column] = value;
  }

  // true when the cell was closed before
  openCell(cell: number): boolean {
    if (this.open[cell] === 1) return false;
    this.open[cell] = 1;
    this.openCells++;
    return true;
  }

  closeCell(cell: number): void {
    if (this.open[cell] !== 1) return;
    this.open[cell] = 0;
    this.openCells--;
    this.distinct.delete(cell);
  }
}
