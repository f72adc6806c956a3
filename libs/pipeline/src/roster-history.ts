import type { Membership } from '#libs/access';
import type { TeamOf } from '#libs/indicators';
import { ROSTER_TTL_MS } from './roster-cache';

// Where the roster of record's memberships are kept (libs/postgres RosterRepository): every membership
// of each org asked for, with its dates; an org without any is absent or empty.
export interface MembershipStore {
  memberships(orgIds: readonly string[]): Promise<ReadonlyMap<string, readonly Membership[]>>;
}

// The roster a processor attributes events by: made ready for the orgs of a batch before it is folded,
// then asked synchronously by the engine.
export interface TeamRoster {
  prepare(orgIds: Iterable<string>): Promise<void>;
  readonly teamOf: TeamOf;
}

// Each org's membership history (all its memberships, a few thousand rows at most), held in memory and
// read again when older than the TTL: the roster is written by the gateway, perhaps in another process.
// A change applies to the events folded after it is read, never to periods folded before (a replay from
// the log attributes those anew).
export class RosterHistory implements TeamRoster {
  private readonly held = new Map<string, { loadedAt: number; byAgent: Map<string, Membership[]> }>();

  constructor(
    private readonly store: MembershipStore,
    private readonly now: () => number = () => Date.now(),
    private readonly ttlMs = ROSTER_TTL_MS,
  ) {}

  // Reads the orgs not held, or held longer than the TTL, in one query. A failure fails the fold it
  // precedes (the processor restarts from its checkpoint): events are never attributed by a guess.
  async prepare(orgIds: Iterable<string>): Promise<void> {
    const now = this.now();
    const due = [...new Set(orgIds)].filter((orgId) => {
      const held = this.held.get(orgId);
      return held === undefined || now - held.loadedAt > this.ttlMs;
    });
    if (due.length === 0) return;
    const loaded = await this.store.memberships(due);
    for (const orgId of due) {
      const byAgent = new Map<string, Membership[]>();
      for (const m of loaded.get(orgId) ?? []) {
        const list = byAgent.get(m.agentId);
        if (list === undefined) byAgent.set(m.agentId, [m]);
        else list.push(m);
      }
      this.held.set(orgId, { loadedAt: now, byAgent });
    }
  }

  // The agent's team on the day (dates as YYYY-MM-DD compare as strings; `to` is exclusive), if any.
  readonly teamOf: TeamOf = (orgId, agentId, day) => {
    const memberships = this.held.get(orgId)?.byAgent.get(agentId);
    if (memberships === undefined) return undefined;
    for (const m of memberships) if (m.from <= day && (m.to === null || day < m.to)) return m.teamId;
    return undefined;
  };
}
