// Distinct values in a rolling window. Each value is counted in the bucket of its latest occurrence,
// so the window's distinct count is the sum of the live buckets' counts: O(1) per event. Memory: one
// map entry per distinct value seen within the window (stale entries are purged once per window span).
export interface RollingDistinctSnapshot {
  head: number | null; // null: nothing held yet
  last: [string, number][];
}

export class RollingDistinct {
  private readonly counts: Float64Array;
  private readonly last = new Map<string, number>();
  private head = Number.NEGATIVE_INFINITY;
  private sum = 0;
  private purgedAt = Number.NEGATIVE_INFINITY;

  constructor(private readonly buckets: number) {
    this.counts = new Float64Array(buckets);
  }

  // True when the event changed the window's distinct count. The window first moves to the clock: what
  // leaves by that move is the clock's change (the engine's settle reports it), so whether an event
  // counts never depends on when the window was last read.
  add(bucket: number, clockBucket: number, key: string): boolean {
    this.advance(clockBucket);
    const before = this.sum;
    // a date field may place the event after the clock: then the event itself moves the window
    // Stryker disable next-line EqualityOperator: advance returns at once for the head bucket itself
    if (bucket > this.head) this.advance(bucket);
    else if (bucket <= this.head - this.buckets) return false;
    const slid = this.sum !== before;
    const prev = this.last.get(key);
    // Stryker disable next-line ConditionalExpression: undefined > n is false too (the check is for the type)
    if (prev !== undefined && prev > this.head - this.buckets) {
      // Stryker disable next-line EqualityOperator: moving a value to its own bucket takes 1 off it and adds 1 back
      if (prev >= bucket) return slid;
      this.bump(prev, -1);
      this.bump(bucket, 1);
      this.last.set(key, bucket);
      return slid;
    }
    this.last.set(key, bucket);
    this.bump(bucket, 1);
    this.sum += 1;
    return true;
  }

  private bump(bucket: number, by: number): void {
    const slot = bucket % this.buckets;
    this.counts[slot] = (this.counts[slot] as number) + by;
  }

  // the total as last advanced, without moving the window
  get current(): number {
    return this.sum;
  }

  total(clockBucket: number): number {
    this.advance(clockBucket);
    return this.sum;
  }

  private advance(bucket: number): void {
    // Stryker disable next-line EqualityOperator: advancing to the head itself zeroes no bucket; it may only purge early
    if (bucket <= this.head) return;
    // Stryker disable next-line EqualityOperator: a jump of exactly a turn zeroes every bucket one by one, to the same whole count
    if (bucket - this.head >= this.buckets) {
      this.counts.fill(0);
      this.sum = 0;
    } else {
      for (let b = this.head + 1; b <= bucket; b++) {
        const slot = b % this.buckets;
        this.sum -= this.counts[slot] as number;
        this.counts[slot] = 0;
      }
    }
    this.head = bucket;
    // Stryker disable next-line ConditionalExpression,EqualityOperator,ArithmeticOperator: how often stale values are purged changes memory only (they are never counted, and a snapshot purges first)
    if (bucket - this.purgedAt >= this.buckets) this.purge();
  }

  private purge(): void {
    const oldest = this.head - this.buckets;
    for (const [key, b] of this.last) if (b <= oldest) this.last.delete(key);
    this.purgedAt = this.head;
  }

  // Drops the values seen after `bucket` (the clock was set back, see RollingColumns.clip), and those
  // the window had already let go of, which the older window would otherwise count again.
  clip(bucket: number): void {
    // Stryker disable next-line EqualityOperator: a clip at the head itself drops only values that had left, which count nowhere
    if (!(bucket < this.head)) return;
    const oldest = this.head - this.buckets;
    for (const [key, b] of this.last) {
      if (b > oldest && b <= bucket) continue;
      if (b > oldest) {
        this.bump(b, -1);
        this.sum -= 1;
      }
      this.last.delete(key);
    }
    this.head = bucket;
    this.purgedAt = bucket;
  }

  snapshot(): RollingDistinctSnapshot {
    this.purge();
    return { head: Number.isFinite(this.head) ? this.head : null, last: [...this.last] };
  }

  static restore(buckets: number, s: RollingDistinctSnapshot): RollingDistinct {
    const r = new RollingDistinct(buckets);
    r.head = s.head === null ? Number.NEGATIVE_INFINITY : s.head;
    r.purgedAt = r.head;
    for (const [key, b] of s.last) {
      r.last.set(key, b);
      r.bump(b, 1);
      r.sum += 1;
    }
    return r;
  }
}
