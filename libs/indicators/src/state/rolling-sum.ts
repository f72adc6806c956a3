// A ring of bucket sums for one rolling window: O(1) per event, constant memory.
export interface RollingSumSnapshot {
  head: number | null; // null: nothing held yet
  ring: number[];
}

export class RollingSum {
  private readonly ring: number[];
  private head = Number.NEGATIVE_INFINITY; // index of the newest bucket held
  private sum = 0;
  private resummedAt = Number.NEGATIVE_INFINITY;

  constructor(private readonly buckets: number) {
    this.ring = new Array<number>(buckets).fill(0);
  }

  // false when the bucket has already left the window (the event no longer counts in it)
  add(bucket: number, amount: number, _key?: string): boolean {
    if (bucket > this.head) this.advance(bucket);
    else if (bucket <= this.head - this.buckets) return false;
    const slot = bucket % this.buckets;
    this.ring[slot] = (this.ring[slot] as number) + amount;
    this.sum += amount;
    return true;
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
    if (bucket <= this.head) return;
    if (bucket - this.head >= this.buckets) {
      this.ring.fill(0);
      this.sum = 0;
    } else {
      for (let b = this.head + 1; b <= bucket; b++) {
        const slot = b % this.buckets;
        this.sum -= this.ring[slot] as number;
        this.ring[slot] = 0;
      }
      // once a turn, re-add the ring: keeps float error from piling up over days
      if (bucket - this.resummedAt >= this.buckets) {
        let sum = 0;
        for (let i = 0; i < this.buckets; i++) sum += this.ring[i] as number;
        this.sum = sum;
        this.resummedAt = bucket;
      }
    }
    this.head = bucket;
  }

  snapshot(): RollingSumSnapshot {
    return { head: Number.isFinite(this.head) ? this.head : null, ring: Array.from(this.ring) };
  }

  static restore(buckets: number, s: RollingSumSnapshot): RollingSum {
    const r = new RollingSum(buckets);
    r.head = s.head === null ? Number.NEGATIVE_INFINITY : s.head;
    for (let i = 0; i < buckets; i++) r.ring[i] = s.ring[i] ?? 0;
    for (const v of s.ring) r.sum += v;
    return r;
  }
}
