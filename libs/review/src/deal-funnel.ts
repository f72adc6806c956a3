import type { CanonicalEvent } from '#libs/events';

// What the review pack keeps of the CRM's deals to tell stalled opportunities: each deal's opening, every
// stage change and its close (won or lost), read from crm.deal.* events (docs/events.md).
export type DealFact =
  | {
      kind: 'opened';
      orgId: string;
      dealId: string;
      teamId: string | null;
      agentId: string | null;
      stage: string | null;
      at: number;
    }
  | {
      kind: 'stage';
      orgId: string;
      dealId: string;
      teamId: string | null;
      agentId: string | null;
      stage: string;
      at: number;
    }
  | {
      kind: 'closed';
      orgId: string;
      dealId: string;
      teamId: string | null;
      agentId: string | null;
      outcome: 'won' | 'lost';
      at: number;
    };

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

// the fact a (validated) event states about a deal, or undefined for every other event
export function dealFactOf(event: CanonicalEvent): DealFact | undefined {
  const dealId = str(event.data.dealId);
  if (dealId === null) return undefined;
  const base = {
    orgId: event.data.orgId,
    dealId,
    teamId: str(event.data.teamId),
    agentId: str(event.data.agentId),
    at: Date.parse(event.time),
  };
  switch (event.type) {
    case 'crm.deal.created':
      return { ...base, kind: 'opened', stage: str(event.data.stage) };
    case 'crm.deal.stage_changed': {
      const stage = str(event.data.stage);
      return stage === null ? undefined : { ...base, kind: 'stage', stage };
    }
    case 'crm.deal.won':
      return { ...base, kind: 'closed', outcome: 'won' };
    case 'crm.deal.lost':
      return { ...base, kind: 'closed', outcome: 'lost' };
    default:
      return undefined;
  }
}

// A deal as the store keeps it: when it opened, its stage changes, when it closed (event times).
export interface DealRecord {
  dealId: string;
  owner: string | null; // the agent the deal's latest event named
  openedAt: number | null; // null: its opening was never seen (only later events)
  closedAt: number | null;
  changes: readonly { stage: string; at: number }[];
}

export interface StalledDeal {
  dealId: string;
  owner: string | null;
  stage: string | null; // its stage at the moment asked about
  lastMoveAt: number; // its last stage change, or its opening
  ageDays: number; // whole days since then
}

const DAY_MS = 86_400_000;

// The deals open at `asOf` whose last stage change (or opening, without one) is at least `days` days
// before it: oldest first. Only what happened before `asOf` counts, so a past week's list stays the same.
export function stalledDeals(deals: readonly DealRecord[], asOf: number, days: number): StalledDeal[] {
  const out: StalledDeal[] = [];
  for (const deal of deals) {
    if (deal.closedAt !== null && deal.closedAt < asOf) continue;
    const seen = deal.changes.filter((c) => c.at < asOf);
    const last = seen.reduce<{ stage: string; at: number } | undefined>(
      (a, c) => (a === undefined || c.at >= a.at ? c : a),
      undefined,
    );
    const lastMoveAt = last?.at ?? deal.openedAt;
    if (lastMoveAt === null || lastMoveAt >= asOf) continue;
    const ageDays = Math.floor((asOf - lastMoveAt) / DAY_MS);
    if (ageDays < days) continue;
    out.push({ dealId: deal.dealId, owner: deal.owner, stage: last?.stage ?? null, lastMoveAt, ageDays });
  }
  return out.sort((a, b) => a.lastMoveAt - b.lastMoveAt || a.dealId.localeCompare(b.dealId));
}
