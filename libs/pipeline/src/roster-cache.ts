import type { RosterSnapshot } from '#libs/access';

// Where the roster of record is kept (libs/postgres RosterRepository).
export interface RosterStore {
  snapshot(orgId: string, day: string): Promise<RosterSnapshot>;
}

export const ROSTER_TTL_MS = 5_000; // a roster change made elsewhere shows within this (here: at once)

// Each org's roster as of today (the org's date), read at most once per TTL and once at a time: access
// decisions and ingest read it on every request. A change through this process forgets the org's copy.
export class RosterCache {
  private readonly held = new Map<string, { loadedAt: number; snapshot: RosterSnapshot }>();
  private readonly loading = new Map<string, Promise<RosterSnapshot>>();
  private readonly changes = new Map<string, number>(); // per org: a load begun before a change is not kept

  constructor(
    private readonly store: RosterStore,
    private readonly dayOf: (orgId: string, now: number) => string, // today, in the org's time zone
    private readonly now: () => number = () => Date.now(),
  ) {}

  // the org's roster, read afresh when older than maxAgeMs or of another day
  async of(orgId: string, maxAgeMs = ROSTER_TTL_MS): Promise<RosterSnapshot> {
    const held = this.fresh(orgId, maxAgeMs);
    if (held !== undefined) return held;
    let load = this.loading.get(orgId);
    if (load === undefined) {
      const change = this.changes.get(orgId) ?? 0;
      const begun = this.store.snapshot(orgId, this.dayOf(orgId, this.now()));
      load = begun
        .then((snapshot) => {
          if ((this.changes.get(orgId) ?? 0) === change) this.held.set(orgId, { loadedAt: this.now(), snapshot });
          return snapshot;
        })
        .finally(() => {
          if (this.loading.get(orgId) === load) this.loading.delete(orgId);
        });
      this.loading.set(orgId, load);
    }
    return load;
  }

  // Without waiting (for a push): the copy held, if any; a stale one (or none) is read again in the
  // background, at most every `reloadMs`.
  peek(orgId: string, reloadMs = ROSTER_TTL_MS): RosterSnapshot | undefined {
    const held = this.held.get(orgId)?.snapshot;
    if (this.fresh(orgId, reloadMs) === undefined) void this.of(orgId, reloadMs).catch(() => undefined);
    return held;
  }

  // today's date in the org's time zone: the day access reads the roster of
  today(orgId: string): string {
    return this.dayOf(orgId, this.now());
  }

  forget(orgId: string): void {
    this.changes.set(orgId, (this.changes.get(orgId) ?? 0) + 1);
    this.held.delete(orgId);
    this.loading.delete(orgId);
  }

  private fresh(orgId: string, maxAgeMs: number): RosterSnapshot | undefined {
    const held = this.held.get(orgId);
    const now = this.now();
    if (held === undefined || now - held.loadedAt > maxAgeMs || held.snapshot.day !== this.dayOf(orgId, now))
      return undefined;
    return held.snapshot;
  }
}
