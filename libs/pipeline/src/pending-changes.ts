import { entityKey, valueRowKey, type IndicatorValue } from '#libs/indicators';

const keyOf = (v: IndicatorValue): string =>
  `${entityKey(v.entity)}|${valueRowKey(v.indicator, v.window, v.periodStart)}`;

// Changes folded but not yet written, coalesced to the newest value of each stored row (a rolling
// window is one row; a calendar period is a row of its own).
export class PendingChanges {
  private rows = new Map<string, IndicatorValue>();
  private since: number | undefined;

  get size(): number {
    return this.rows.size;
  }

  // acceptedAt: when the oldest event behind the changes was accepted (end-to-end latency)
  keep(changes: readonly IndicatorValue[], acceptedAt: number | undefined): void {
    for (const c of changes) this.rows.set(keyOf(c), c);
    if (acceptedAt !== undefined && this.since === undefined) this.since = acceptedAt;
  }

  take(): { changes: IndicatorValue[]; acceptedAt: number | undefined } {
    const taken = { changes: [...this.rows.values()], acceptedAt: this.since };
    this.rows = new Map();
    this.since = undefined;
    return taken;
  }
}
