import { DAY_MS } from '#libs/time';

// Remembers the idempotency keys of the events folded within the horizon (one Set entry per event,
// ~100 bytes). Older keys are forgotten: an event that old is too late for every window anyway.
export class Deduplicator {
  private readonly keys = new Set<string>();
  private readonly byDay = new Map<number, string[]>();

  // true when the key is new (and is now remembered)
  remember(key: string, timeMs: number): boolean {
    if (this.keys.has(key)) return false;
    this.keys.add(key);
    const day = Math.floor(timeMs / DAY_MS);
    let list = this.byDay.get(day);
    if (list === undefined) {
      list = [];
      this.byDay.set(day, list);
    }
    list.push(key);
    return true;
  }

  forgetBefore(timeMs: number): void {
    const cutoff = Math.floor(timeMs / DAY_MS);
    for (const [day, list] of this.byDay) {
      if (day >= cutoff) continue;
      for (const k of list) this.keys.delete(k);
      this.byDay.delete(day);
    }
  }

  get size(): number {
    return this.keys.size;
  }

  snapshot(): [number, string[]][] {
    return [...this.byDay];
  }

  static restore(days: [number, string[]][]): Deduplicator {
    const d = new Deduplicator();
    for (const [day, list] of days) {
      d.byDay.set(day, [...list]);
      for (const k of list) d.keys.add(k);
    }
    return d;
  }
}
