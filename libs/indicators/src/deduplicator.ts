import { DAY_MS } from '#libs/time';

// Remembers the idempotency keys of the events folded within the horizon (one Set entry per event,
// ~100 bytes). A key counts once whatever the org (the contract's identity is (source, id)), but each
// key is filed under the org that sent it and forgotten by that org's clock only: a far-ahead clock of
// one org never makes the engine forget the keys of another.
export class Deduplicator {
  private readonly keys = new Set<string>();
  private readonly byOwner = new Map<string, Map<number, string[]>>(); // owner (org id) → day → keys

  // true when the key is new (and is now remembered)
  remember(owner: string, key: string, timeMs: number): boolean {
    if (this.keys.has(key)) return false;
    this.keys.add(key);
    this.file(owner, Math.floor(timeMs / DAY_MS), [key]);
    return true;
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

  snapshot(owner: string): [number, string[]][] {
    return [...(this.byOwner.get(owner) ?? [])];
  }

  restore(owner: string, days: readonly [number, readonly string[]][]): void {
    for (const [day, list] of days) {
      const fresh = list.filter((k) => !this.keys.has(k));
      for (const k of fresh) this.keys.add(k);
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
