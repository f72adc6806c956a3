import { DAY_MS } from '#libs/time';

// A repeat of a remembered key: the same content (duplicate) or other content (conflict).
export type Sighting = 'new' | 'duplicate' | 'conflict';

// The keys of one day and their content fingerprints, as snapshots hold them; snapshots written before
// fingerprints were kept have no third element (their repeats count as duplicates).
export type DedupDay = [day: number, keys: string[], fingerprints?: number[]];

// a key restored without its fingerprint: a repeat of it is a duplicate, never a conflict
const UNKNOWN = -1;

// Where an engine remembers the idempotency keys it folded: in memory (Deduplicator), or a memory that
// keeps them in a store (the Kafka processor's, libs/pipeline PersistedKeys). Keys are filed by owner
// (the org that sent them) and day of event time, and forgotten by the owner's clock.
export interface KeyMemory {
  remember(owner: string, key: string, fingerprint: number, timeMs: number): Sighting;
  forgetBefore(owner: string, timeMs: number): void;
  snapshot(owner: string): DedupDay[]; // what a checkpoint's snapshot holds of the owner's keys
  restore(owner: string, days: readonly DedupDay[]): void;
  readonly size: number; // keys held in memory
}

// Remembers the idempotency keys of the events folded within the horizon, each with the fingerprint of
// its content (~150 bytes per event). A key counts once whatever the org (the contract's identity is
// (source, id)), but each key is filed under the org that sent it and forgotten by that org's clock
// only: a far-ahead clock of one org never makes the engine forget the keys of another.
export class Deduplicator implements KeyMemory {
  private readonly keys = new Map<string, number>(); // key → content fingerprint
  private readonly byOwner = new Map<string, Map<number, string[]>>(); // owner (org id) → day → keys

  // 'new' when the key is new (and is now remembered with its fingerprint)
  remember(owner: string, key: string, fingerprint: number, timeMs: number): Sighting {
    const known = this.keys.get(key);
    if (known !== undefined) return known === fingerprint || known === UNKNOWN ? 'duplicate' : 'conflict';
    this.keys.set(key, fingerprint);
    this.file(owner, Math.floor(timeMs / DAY_MS), [key]);
    return 'new';
  }

  // forgets the owner's keys of days before timeMs's day
  forgetBefore(owner: string, timeMs: number): void {
    const days = this.byOwner.get(owner);
    if (days === undefined) return;
    const cutoff = Math.floor(timeMs / DAY_MS);
    for (const [day, list] of days) {
      if (day >= cutoff) continue;
      for (const k of list) this.keys.delete(k);
      days.delete(day);
    }
  }

  get size(): number {
    return this.keys.size;
  }

  snapshot(owner: string): DedupDay[] {
    return [...(this.byOwner.get(owner) ?? [])].map(([day, list]) => [
      day,
      list,
      list.map((k) => this.keys.get(k) ?? UNKNOWN),
    ]);
  }

  restore(owner: string, days: readonly DedupDay[]): void {
    for (const [day, list, fingerprints] of days) {
      const fresh: string[] = [];
      list.forEach((k, i) => {
        if (this.keys.has(k)) return;
        this.keys.set(k, fingerprints?.[i] ?? UNKNOWN);
        fresh.push(k);
      });
      if (fresh.length > 0) this.file(owner, day, fresh);
    }
  }

  private file(owner: string, day: number, keys: readonly string[]): void {
    let days = this.byOwner.get(owner);
    if (days === undefined) {
      days = new Map();
      this.byOwner.set(owner, days);
    }
    const list = days.get(day);
    if (list === undefined) days.set(day, [...keys]);
    else list.push(...keys);
  }
}
