import type { IndicatorDef } from '#libs/definitions';
import type { CanonicalEvent } from '#libs/events';
import { compileTerm, type CompiledTerm, type EventContext } from '#libs/indicators';
import { periodOfInstant, type CalendarWindow } from '#libs/time';

// The engine bench's yardstick: the same work as the engine on the bench's workload (terms indicators,
// one org, a rolling window of 15-minute buckets and a calendar window, agent, team and org level),
// written by hand over typed arrays, with none of the engine's generality (no lateness rules beyond the
// window's, no dedup, no snapshots, no parking). Each distinct term is computed once per event and
// folded once per (window, entity); an indicator whose term changed is marked in a bitmap and read at
// the batch's end. What the engine should cost at best, on this machine, in this run.
const BUCKET_MS = 15 * 60_000;
const BUCKETS = 96;

interface HandTerm {
  compiled: CompiledTerm;
  slot: number; // column among the additive terms, or index among the distinct ones
  users: number[]; // indicator × 2 + side, of every indicator side that reads it
}

interface MonthRows {
  start: number;
  end: number;
  sums: Float64Array; // [entity row][additive term]
  keys: Map<number, Set<string>>; // distinct term × capacity + row → values
}

export class HandFold {
  private readonly byType = new Map<string, HandTerm[]>();
  private readonly additive: number; // additive terms
  private readonly distinct: number;
  private readonly sides: (HandTerm | null)[]; // indicator × 2 + side
  private readonly scale: number[];
  private readonly month: CalendarWindow;
  private capacity = 0;
  private rows = new Map<string, number>(); // 'team|id' / 'agent|id' → entity row (the org is row 0)
  private nextRow = 1;
  // rolling: per entity row [head bucket, then a sum per additive term, then BUCKETS rows of terms]
  private ring = new Float64Array(0);
  private readonly stride: number;
  // rolling distinct: per (distinct term, row) the bucket of each value's latest occurrence, and counts
  private distinctLast: Map<string, number>[] = [];
  private distinctRing = new Float64Array(0); // [distinct term × capacity + row][head, sum, buckets…]
  private months: MonthRows[] = [];
  private clockMs = Number.NEGATIVE_INFINITY;
  // changed values: (row × indicators + indicator) × 2 + window, marked once per batch
  private dirty = new Uint8Array(0);
  private dirtyList = new Int32Array(1024);
  private dirtyCount = 0;
  readonly out: number[] = []; // a value per change, read at batch end (so the reads are not optimised away)
  updates = 0; // (term, window, entity) states folded into
  changes = 0; // (indicator, window, entity) values read at batch ends

  constructor(
    private readonly defs: readonly IndicatorDef[],
    private readonly timeZone: string,
  ) {
    const terms = new Map<string, HandTerm>();
    let additive = 0;
    let distinct = 0;
    this.sides = [];
    this.scale = [];
    defs.forEach((def, i) => {
      const m = def.measure;
      if (m.kind !== 'terms') throw new Error('the hand fold folds terms indicators only');
      const windows = def.windows.join(',');
      if (windows !== 'rolling:24h,month' && windows !== 'rolling:24h,week')
        throw new Error(`the hand fold folds a rolling 24h and a calendar window, not ${windows}`);
      this.scale.push(m.scale);
      for (const [side, term] of [m.numerator, m.denominator].entries()) {
        if (term === undefined) {
          this.sides.push(null);
          continue;
        }
        const id = JSON.stringify(term);
        let t = terms.get(id);
        if (t === undefined) {
          const compiled = compileTerm(term);
          t = { compiled, slot: compiled.distinct ? distinct++ : additive++, users: [] };
          terms.set(id, t);
          for (const type of term.types) {
            const list = this.byType.get(type) ?? [];
            list.push(t);
            this.byType.set(type, list);
          }
        }
        t.users.push(i * 2 + side);
        this.sides.push(t);
      }
    });
    this.additive = additive;
    this.distinct = distinct;
    this.stride = 1 + additive + BUCKETS * additive;
    this.month = defs[0]?.windows[1] as CalendarWindow;
    this.grow(64);
  }

  foldBatch(events: readonly CanonicalEvent[], times: readonly number[], from: number, to: number): void {
    for (let i = from; i < to; i++) this.foldOne(events[i] as CanonicalEvent, times[i] as number);
    this.endBatch();
  }

  private foldOne(e: CanonicalEvent, timeMs: number): void {
    const terms = this.byType.get(e.type);
    if (timeMs > this.clockMs) this.clockMs = timeMs;
    if (terms === undefined) return;
    const org = 0;
    const team = typeof e.data.teamId === 'string' ? this.row('team', e.data.teamId) : -1;
    const agent = typeof e.data.agentId === 'string' ? this.row('agent', e.data.agentId) : -1;
    const ctx: EventContext = { timeMs, timeZone: this.timeZone };
    const clockBucket = Math.floor(this.clockMs / BUCKET_MS);
    for (const term of terms) {
      const c = term.compiled;
      if (!c.matches(e, ctx)) continue;
      const amount = c.distinct ? 0 : c.amount(e, ctx);
      const key = c.distinct ? c.key(e, ctx) : '';
      if (c.distinct ? key === '' : Number.isNaN(amount)) continue;
      const t = c.timeOf(e, ctx);
      if (Number.isNaN(t)) continue;
      const bucket = Math.floor(t / BUCKET_MS);
      if (bucket > clockBucket - BUCKETS) {
        this.rolling(term, org, bucket, clockBucket, amount, key);
        if (team >= 0) this.rolling(term, team, bucket, clockBucket, amount, key);
        if (agent >= 0) this.rolling(term, agent, bucket, clockBucket, amount, key);
      }
      const month = this.monthOf(t);
      if (month === undefined) continue;
      this.calendar(term, month, org, amount, key);
      if (team >= 0) this.calendar(term, month, team, amount, key);
      if (agent >= 0) this.calendar(term, month, agent, amount, key);
    }
  }

  private rolling(term: HandTerm, row: number, bucket: number, clockBucket: number, amount: number, key: string): void {
    this.updates++;
    if (term.compiled.distinct) {
      if (this.addDistinct(term.slot * this.capacity + row, bucket, clockBucket, key)) this.mark(term, row, 0);
      return;
    }
    const d = this.ring;
    const base = row * this.stride;
    if (bucket > (d[base] as number)) this.advance(base, bucket);
    else if (bucket <= (d[base] as number) - BUCKETS) return;
    const sum = base + 1 + term.slot;
    const cell = base + 1 + this.additive + (bucket % BUCKETS) * this.additive + term.slot;
    d[sum] = (d[sum] as number) + amount;
    d[cell] = (d[cell] as number) + amount;
    this.mark(term, row, 0);
  }

  // moves an entity's ring to `bucket`: the buckets it passes leave every term's sum at once
  private advance(base: number, bucket: number): void {
    const d = this.ring;
    const head = d[base] as number;
    const sums = base + 1;
    const ring = base + 1 + this.additive;
    if (bucket - head >= BUCKETS) {
      d.fill(0, sums, base + this.stride);
    } else {
      for (let b = head + 1; b <= bucket; b++) {
        const at = ring + (b % BUCKETS) * this.additive;
        for (let k = 0; k < this.additive; k++) {
          d[sums + k] = (d[sums + k] as number) - (d[at + k] as number);
          d[at + k] = 0;
        }
      }
    }
    d[base] = bucket;
  }

  private addDistinct(cell: number, bucket: number, clockBucket: number, key: string): boolean {
    const d = this.distinctRing;
    const base = cell * (2 + BUCKETS);
    this.advanceDistinct(base, clockBucket);
    const before = d[base + 1] as number;
    if (bucket > (d[base] as number)) this.advanceDistinct(base, bucket);
    else if (bucket <= (d[base] as number) - BUCKETS) return false;
    const slid = d[base + 1] !== before;
    let last = this.distinctLast[cell];
    if (last === undefined) {
      last = new Map();
      this.distinctLast[cell] = last;
    }
    const prev = last.get(key);
    if (prev !== undefined && prev > (d[base] as number) - BUCKETS) {
      if (prev >= bucket) return slid;
      d[base + 2 + (prev % BUCKETS)] = (d[base + 2 + (prev % BUCKETS)] as number) - 1;
      d[base + 2 + (bucket % BUCKETS)] = (d[base + 2 + (bucket % BUCKETS)] as number) + 1;
      last.set(key, bucket);
      return slid;
    }
    last.set(key, bucket);
    d[base + 2 + (bucket % BUCKETS)] = (d[base + 2 + (bucket % BUCKETS)] as number) + 1;
    d[base + 1] = (d[base + 1] as number) + 1;
    return true;
  }

  private advanceDistinct(base: number, bucket: number): void {
    const d = this.distinctRing;
    const head = d[base] as number;
    if (bucket <= head) return;
    if (bucket - head >= BUCKETS) d.fill(0, base + 1, base + 2 + BUCKETS);
    else
      for (let b = head + 1; b <= bucket; b++) {
        d[base + 1] = (d[base + 1] as number) - (d[base + 2 + (b % BUCKETS)] as number);
        d[base + 2 + (b % BUCKETS)] = 0;
      }
    d[base] = bucket;
  }

  private calendar(term: HandTerm, month: MonthRows, row: number, amount: number, key: string): void {
    this.updates++;
    if (term.compiled.distinct) {
      const cell = term.slot * this.capacity + row;
      let keys = month.keys.get(cell);
      if (keys === undefined) {
        keys = new Set();
        month.keys.set(cell, keys);
      }
      if (keys.has(key)) return;
      keys.add(key);
    } else {
      const cell = row * this.additive + term.slot;
      month.sums[cell] = (month.sums[cell] as number) + amount;
    }
    this.mark(term, row, 1);
  }

  private mark(term: HandTerm, row: number, w: number): void {
    const n = this.defs.length;
    for (const user of term.users) {
      const i = ((row * n + (user >> 1)) << 1) | w;
      if (this.dirty[i] === 1) continue;
      this.dirty[i] = 1;
      if (this.dirtyCount === this.dirtyList.length) {
        const list = new Int32Array(this.dirtyList.length * 2);
        list.set(this.dirtyList);
        this.dirtyList = list;
      }
      this.dirtyList[this.dirtyCount++] = i;
    }
  }

  // the batch's changed values, read once each
  private endBatch(): void {
    const n = this.defs.length;
    const clockBucket = Math.floor(this.clockMs / BUCKET_MS);
    const month = this.monthOf(this.clockMs);
    for (let k = 0; k < this.dirtyCount; k++) {
      const i = this.dirtyList[k] as number;
      this.dirty[i] = 0;
      const w = i & 1;
      const indicator = (i >> 1) % n;
      const row = Math.floor((i >> 1) / n);
      const num = this.read(this.sides[indicator * 2] as HandTerm, row, w, clockBucket, month);
      const den = this.sides[indicator * 2 + 1];
      const value =
        den === null || den === undefined
          ? num * (this.scale[indicator] as number)
          : (num / this.read(den, row, w, clockBucket, month)) * (this.scale[indicator] as number);
      this.out.push(value);
    }
    this.changes += this.dirtyCount;
    this.dirtyCount = 0;
    this.out.length = 0;
  }

  private read(term: HandTerm, row: number, w: number, clockBucket: number, month: MonthRows | undefined): number {
    if (w === 1) {
      if (month === undefined) return 0;
      if (!term.compiled.distinct) return month.sums[row * this.additive + term.slot] as number;
      return month.keys.get(term.slot * this.capacity + row)?.size ?? 0;
    }
    if (term.compiled.distinct) {
      const base = (term.slot * this.capacity + row) * (2 + BUCKETS);
      this.advanceDistinct(base, clockBucket);
      return this.distinctRing[base + 1] as number;
    }
    const base = row * this.stride;
    if (clockBucket > (this.ring[base] as number)) this.advance(base, clockBucket);
    return this.ring[base + 1 + term.slot] as number;
  }

  private monthOf(t: number): MonthRows | undefined {
    for (const m of this.months) if (m.start <= t && t < m.end) return m;
    const p = periodOfInstant(this.month, this.timeZone, t);
    const lateness = this.defs[0]?.allowedLatenessMs ?? 0;
    if (p.end + lateness <= this.clockMs) return undefined; // closed: too late
    const m: MonthRows = {
      start: p.start,
      end: p.end,
      sums: new Float64Array(this.capacity * this.additive),
      keys: new Map(),
    };
    this.months.push(m);
    return m;
  }

  // (indicator, entity, window) values it keeps, as the engine counts them (every indicator at every level)
  get windowStates(): number {
    return this.nextRow * this.defs.length * 2;
  }

  private row(level: string, id: string): number {
    const name = `${level}|${id}`;
    let row = this.rows.get(name);
    if (row === undefined) {
      row = this.nextRow++;
      this.rows.set(name, row);
      if (row >= this.capacity) this.grow(this.capacity * 2);
    }
    return row;
  }

  private grow(capacity: number): void {
    const old = this.capacity;
    const ring = new Float64Array(capacity * this.stride);
    ring.set(this.ring);
    for (let r = old; r < capacity; r++) ring[r * this.stride] = Number.NEGATIVE_INFINITY;
    this.ring = ring;
    // distinct cells are laid out by capacity: re-laid out when it grows
    const distinctRing = new Float64Array(this.distinct * capacity * (2 + BUCKETS));
    const distinctLast: Map<string, number>[] = [];
    for (let t = 0; t < this.distinct; t++) {
      for (let r = 0; r < capacity; r++) {
        const to = t * capacity + r;
        distinctRing[to * (2 + BUCKETS)] = Number.NEGATIVE_INFINITY;
        if (r >= old) continue;
        const from = t * old + r;
        distinctRing.set(
          this.distinctRing.subarray(from * (2 + BUCKETS), (from + 1) * (2 + BUCKETS)),
          to * (2 + BUCKETS),
        );
        const last = this.distinctLast[from];
        if (last !== undefined) distinctLast[to] = last;
      }
    }
    this.distinctRing = distinctRing;
    this.distinctLast = distinctLast;
    for (const m of this.months) {
      const sums = new Float64Array(capacity * this.additive);
      sums.set(m.sums);
      m.sums = sums;
      const keys = new Map<number, Set<string>>();
      for (const [cell, set] of m.keys) keys.set(Math.floor(cell / old) * capacity + (cell % old), set);
      m.keys = keys;
    }
    const dirty = new Uint8Array(capacity * this.defs.length * 2);
    dirty.set(this.dirty);
    this.dirty = dirty;
    this.capacity = capacity;
  }
}

// Folds the events by hand in batches of `batch`; counts as the engine bench counts.
export function handFold(
  defs: readonly IndicatorDef[],
  timeZone: string,
  events: readonly CanonicalEvent[],
  times: readonly number[],
  batch: number,
): HandFold {
  const fold = new HandFold(defs, timeZone);
  for (let i = 0; i < events.length; i += batch) fold.foldBatch(events, times, i, Math.min(events.length, i + batch));
  return fold;
}
