import type { DataSource, EntityManager } from 'typeorm';
import type { RosterEntry } from '#libs/pipeline';

// Which team each agent is in, as their events say: who may see whose individual scores.
export class RosterRepository {
  constructor(private readonly db: DataSource) {}

  // the org's agents and their teams
  async teamsOf(orgId: string): Promise<Map<string, string>> {
    const rows = await this.db.query<{ agent_id: string; team_id: string }[]>(
      `SELECT agent_id, team_id FROM agent_teams WHERE org_id = $1`,
      [orgId],
    );
    return new Map(rows.map((r) => [r.agent_id, r.team_id]));
  }
}

// Written by the processor, in the transaction of the values its events changed.
export async function writeRoster(tx: EntityManager, roster: readonly RosterEntry[]): Promise<void> {
  if (roster.length === 0) return;
  await tx.query(
    `INSERT INTO agent_teams (org_id, agent_id, team_id)
     SELECT e->>'orgId', e->>'agentId', e->>'teamId' FROM json_array_elements($1::json) e
     ON CONFLICT (org_id, agent_id) DO UPDATE SET team_id = excluded.team_id, seen_at = now()`,
    [JSON.stringify(roster)],
  );
}
