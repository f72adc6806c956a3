import type { DataSource } from 'typeorm';
import type { DealFact, DealRecord } from '#libs/review';

const MAX_DEALS = 5000; // open deals per team read for one pack

// The deals' openings, stage changes and closes, from crm.deal.* events, for the review pack's stalled
// opportunities. A fact seen twice (a replay) writes the same rows: stages are keyed by their time.
export class ReviewDealsRepository {
  constructor(private readonly db: DataSource) {}

  async record(facts: readonly DealFact[]): Promise<void> {
    if (facts.length === 0) return;
    await this.db.transaction(async (tx) => {
      for (const f of facts) {
        // a later event's team and agent replace an earlier one's: the deal's current owner
        await tx.query(
          `INSERT INTO review_deals (org_id, deal_id, team_id, agent_id, opened_at, closed_at, outcome)
           VALUES ($1, $2, $3, $4, $5, $6, $7)
           ON CONFLICT (org_id, deal_id) DO UPDATE SET
             team_id = coalesce(excluded.team_id, review_deals.team_id),
             agent_id = coalesce(excluded.agent_id, review_deals.agent_id),
             opened_at = coalesce(review_deals.opened_at, excluded.opened_at),
             closed_at = coalesce(excluded.closed_at, review_deals.closed_at),
             outcome = coalesce(excluded.outcome, review_deals.outcome)`,
          [
            f.orgId,
            f.dealId,
            f.teamId,
            f.agentId,
            f.kind === 'opened' ? new Date(f.at) : null,
            f.kind === 'closed' ? new Date(f.at) : null,
            f.kind === 'closed' ? f.outcome : null,
          ],
        );
        const stage = f.kind === 'stage' ? f.stage : f.kind === 'opened' ? f.stage : null;
        if (stage !== null)
          await tx.query(
            `INSERT INTO review_deal_stages (org_id, deal_id, stage, at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`,
            [f.orgId, f.dealId, stage, new Date(f.at)],
          );
      }
    });
  }

  // the team's deals (by the team or an agent of it) still open at `asOf`, with their stage changes
  async openAt(orgId: string, teamId: string, agents: readonly string[], asOf: number): Promise<DealRecord[]> {
    const rows = await this.db.query<
      {
        deal_id: string;
        agent_id: string | null;
        opened_at: Date | null;
        closed_at: Date | null;
        changes: { stage: string; at: string }[];
      }[]
    >(
      `SELECT d.deal_id, d.agent_id, d.opened_at, d.closed_at,
         coalesce((SELECT json_agg(json_build_object('stage', s.stage, 'at', s.at) ORDER BY s.at) FROM review_deal_stages s
                   WHERE s.org_id = d.org_id AND s.deal_id = d.deal_id AND s.at < $4), '[]') AS changes
       FROM review_deals d
       WHERE d.org_id = $1 AND (d.team_id = $2 OR d.agent_id = ANY($3))
         AND (d.closed_at IS NULL OR d.closed_at >= $4) AND (d.opened_at IS NULL OR d.opened_at < $4)
       ORDER BY d.deal_id LIMIT ${MAX_DEALS}`,
      [orgId, teamId, agents, new Date(asOf)],
    );
    return rows.map((r) => ({
      dealId: r.deal_id,
      owner: r.agent_id,
      openedAt: r.opened_at?.getTime() ?? null,
      closedAt: r.closed_at?.getTime() ?? null,
      changes: r.changes.map((c) => ({ stage: c.stage, at: Date.parse(c.at) })),
    }));
  }
}
