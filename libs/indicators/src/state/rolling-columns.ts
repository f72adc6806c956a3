// The bucket rings of one (indicator, window, side) for every entity, in one Float64Array: entity
// `slot` owns [head, sum, resummedAt, bucket 0 … bucket n−1]. Against an object and an array per
// entity, an update touches one or two cache lines instead of four scattered allocations — the fold
// is memory-bound once thousands of agents are live.
export interface RollingSumSnapshot {
  head: number | null; // null: nothing held yet
  ring: number[];
}

const HEAD = 0;
const SUM = 1;
const RESUMMED = 2;
const HEADER = 3;

export class RollingColumns {
  private data: Float64Array;
  private capacity = 0;
  private readonly stride: number;

  constructor(private readonly buckets: number) {
    this.stride = buckets + HEADER;
    this.data = new Float64Array(0);
  }

  ensure(slot: number): void {
    if (slot < this.capacity) return;
    const capacity = Math.max(64, this.capacity * 2, slot + 1);
    const data = new Float64Array(capacity * this.stride);
    data.set(this.data);
    // Stryker disable next-line EqualityOperator: a typed array ignores a write past its end
    for (let s = this.capacity; s < capacity; s++) {
      // Stryker disable next-line ArithmeticOperator: HEAD is 0, so − HEAD is the same cell
      data[s * this.stride + HEAD] = Number.NEGATIVE_INFINITY;
      data[s * this.stride + RESUMMED] = Number.NEGATIVE_INFINITY;
    }
    this.data = data;
    this.capacity = capacity;
  }

  // false when the bucket has already left the window (the event no longer counts in it)
  add(slot: number, bucket: number, amount: number): boolean {
    const base = slot * this.stride;
    const head = this.data[base + HEAD] as number;
    if (bucket > head) this.advance(base, head, bucket);
    else if (bucket <= head - this.buckets) return false;
    const i = base + HEADER + (bucket % this.buckets);
    this.data[i] = (this.data[i] as number) + amount;
    this.data[base + SUM] = (this.data[base + SUM] as number) + amount;
    return true;
  }

  total(slot: number, clockBucket: number): number {
    const base = slot * this.stride;
    const head = this.data[base + HEAD] as number;
    if (clockBucket > head) this.advance(base, head, clockBucket);
    return this.data[base + SUM] as number;
  }

  // the total as last advanced, without moving the window
  current(slot: number): number {
    return this.data[slot * this.stride + SUM] as number;
  }

  private advance(base: number, head: number, bucket: number): void {
    const d = this.data;
    const ring = base + HEADER;
    if (bucket - head >= this.buckets) {
      d.fill(0, ring, ring + this.buckets);
      d[base + SUM] = 0;
    } else {
      const before = d[base + SUM] as number;
      let sum = before;
      for (let b = head + 1; b <= bucket; b++) {
        const i = ring + (b % this.buckets);
        sum -= d[i] as number;
        d[i] = 0;
      }
      // once a turn, re-add the ring: keeps float error from piling up over days; and re-add it when the
      // sum nears zero, so an emptied window is exactly 0 (1e-13 of residue would make a ratio 0, not null)
      const nearZero = Math.abs(sum) <= 1e-9 * Math.max(1, Math.abs(before));
      if (nearZero || bucket - (d[base + RESUMMED] as number) >= this.buckets) {
        sum = 0;
        for (let i = ring; i < ring + this.buckets; i++) sum += d[i] as number;
        d[base + RESUMMED] = bucket;
      }
      d[base + SUM] = sum;
    }
    // Stryker disable next-line ArithmeticOperator: HEAD is 0, so base − HEAD is the same cell
    d[base + HEAD] = bucket;
  }

  // Drops the buckets after `bucket`: the clock was set back (a restored clock beyond the bound was
  // clamped), so what lies ahead of it must not count, nor keep the ring from taking real events.
  clip(slot: number, bucket: number): void {
    const base = slot * this.stride;
    const head = this.data[base + HEAD] as number;
    if (!(bucket < head)) return;
    const ring = base + HEADER;
    for (let b = Math.max(bucket, head - this.buckets) + 1; b <= head; b++) this.data[ring + (b % this.buckets)] = 0;
    let sum = 0;
    for (let i = ring; i < ring + this.buckets; i++) sum += this.data[i] as number;
    this.data[base + SUM] = sum;
    // Stryker disable next-line ArithmeticOperator: HEAD is 0, so base − HEAD is the same cell
    this.data[base + HEAD] = bucket;
    this.data[base + RESUMMED] = bucket;
  }

  snapshot(slot: number): RollingSumSnapshot {
    const base = slot * this.stride;
    const head = this.data[base + HEAD] as number;
    return {
      head: Number.isFinite(head) ? head : null,
      ring: Array.from(this.data.subarray(base + HEADER, base + this.stride)),
    };
  }

  restore(slot: number, s: RollingSumSnapshot): void {
    this.ensure(slot);
    const base = slot * this.stride;
    this.data.set(s.ring, base + HEADER);
    let sum = 0;
    for (const v of s.ring) sum += v;
    this.data[base + SUM] = sum;
    // Stryker disable next-line ArithmeticOperator: HEAD is 0, so base − HEAD is the same cell
    this.data[base + HEAD] = s.head ?? Number.NEGATIVE_INFINITY;
    this.data[base + RESUMMED] = s.head ?? Number.NEGATIVE_INFINITY;
  }
}
