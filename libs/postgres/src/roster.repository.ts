import type { DataSource, EntityManager } from 'typeorm';
import {
  applyMoves,
  type Membership,
  type RosterImport,
  type RosterMove,
  type RosterSnapshot,
  type UnknownMemberPolicy,
} from '#libs/access';

export interface RosterAsOf {
  orgId: string;
  asOf: string;
  unknownMembers: UnknownMemberPolicy;
  teams: {
    team: string;
    name: string | null;
    managers: string[];
    agents: { agent: string; name: string | null; from: string; to: string | null }[];
  }[];
}

export interface UnknownMember {
  kind: 'agent' | 'team';
  id: string;
  events: number;
  firstSeen: string;
  lastSeen: string;
}

// The roster of record (who works in which team, from when to when), per org: imported by its admins or
// moved by its HR directory, read by access decisions and ingest.
export class RosterRepository {
  constructor(private readonly db: DataSource) {}

  // Replaces the org's roster: members and memberships become the import's; teams the import's (a team's
  // name and managers not given keep their earlier values).
  async replace(orgId: string, roster: RosterImport): Promise<{ members: number; teams: number; memberships: number }> {
    await this.db.transaction(async (tx) => {
      await lockOrg(tx, orgId);
      await tx.query(`DELETE FROM roster_memberships WHERE org_id = $1`, [orgId]);
      await tx.query(`DELETE FROM roster_members WHERE org_id = $1`, [orgId]);
      await tx.query(`DELETE FROM roster_teams WHERE org_id = $1 AND NOT (team_id = ANY($2::text[]))`, [
        orgId,
        roster.teams.map((t) => t.teamId),
      ]);
      await upsertTeams(tx, orgId, roster.teams);
      await upsertMembers(tx, orgId, roster.members);
      await insertMemberships(tx, orgId, roster.memberships);
    });
    return { members: roster.members.length, teams: roster.teams.length, memberships: roster.memberships.length };
  }

  // Applies an HR directory's moves, in order; agents and teams they name join the roster.
  async move(orgId: string, moves: readonly RosterMove[]): Promise<Membership[]> {
    const agents = [...new Set(moves.map((m) => m.agentId))];
    return this.db.transaction(async (tx) => {
      await lockOrg(tx, orgId);
      const current = await tx.query<Membership[]>(
        `SELECT agent_id AS "agentId", team_id AS "teamId", valid_from::text AS "from", valid_to::text AS "to"
         FROM roster_memberships WHERE org_id = $1 AND agent_id = ANY($2::text[])`,
        [orgId, agents],
      );
      const next = applyMoves(current, moves);
      const teams = [...new Set(moves.flatMap((m) => (m.teamId === null ? [] : [m.teamId])))];
      await tx.query(
        `INSERT INTO roster_teams (org_id, team_id) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING`,
        [orgId, teams],
      );
      const named = new Map(moves.flatMap((m) => (m.name === undefined ? [] : [[m.agentId, m.name] as const])));
      await tx.query(
        `INSERT INTO roster_members (org_id, agent_id, display_name)
         SELECT $1, a, n FROM unnest($2::text[], $3::text[]) AS x(a, n)
         ON CONFLICT (org_id, agent_id) DO UPDATE SET display_name = COALESCE(excluded.display_name, roster_members.display_name)`,
        [orgId, agents, agents.map((a) => named.get(a) ?? null)],
      );
      await tx.query(`DELETE FROM roster_memberships WHERE org_id = $1 AND agent_id = ANY($2::text[])`, [
        orgId,
        agents,
      ]);
      await insertMemberships(tx, orgId, next);
      return next;
    });
  }

  // The teams and their agents on a day, with the org's unknown-member policy.
  async asOf(orgId: string, day: string): Promise<RosterAsOf> {
    const teams = await this.db.query<{ team_id: string; name: string | null; managers: string[] }[]>(
      `SELECT team_id, name, managers FROM roster_teams WHERE org_id = $1 ORDER BY team_id`,
      [orgId],
    );
    const rows = await this.db.query<
      { team_id: string; agent_id: string; display_name: string | null; from: string; to: string | null }[]
    >(
      `SELECT m.team_id, m.agent_id, a.display_name, m.valid_from::text AS "from", m.valid_to::text AS "to"
       FROM roster_memberships m JOIN roster_members a USING (org_id, agent_id)
       WHERE m.org_id = $1 AND m.valid_from <= $2::date AND (m.valid_to IS NULL OR m.valid_to > $2::date)
       ORDER BY m.agent_id`,
      [orgId, day],
    );
    return {
      orgId,
      asOf: day,
      unknownMembers: await this.policy(orgId),
      teams: teams.map((t) => ({
        team: t.team_id,
        name: t.name,
        managers: t.managers,
        agents: rows
          .filter((r) => r.team_id === t.team_id)
          .map((r) => ({ agent: r.agent_id, name: r.display_name, from: r.from, to: r.to })),
      })),
    };
  }

  // What access and ingest read: each agent's team on the day, every known agent and team, the policy.
  async snapshot(orgId: string, day: string): Promise<RosterSnapshot> {
    const [row] = await this.db.query<
      { team_of: [string, string][] | null; agents: string[]; teams: string[]; policy: UnknownMemberPolicy | null }[]
    >(
      `SELECT
         (SELECT json_agg(json_build_array(agent_id, team_id)) FROM roster_memberships
          WHERE org_id = $1 AND valid_from <= $2::date AND (valid_to IS NULL OR valid_to > $2::date)) AS team_of,
         ARRAY(SELECT agent_id FROM roster_members WHERE org_id = $1) AS agents,
         ARRAY(SELECT team_id FROM roster_teams WHERE org_id = $1) AS teams,
         (SELECT unknown_members FROM roster_settings WHERE org_id = $1) AS policy`,
      [orgId, day],
    );
    return {
      orgId,
      day,
      teamOf: new Map(row?.team_of ?? []),
      agents: new Set(row?.agents ?? []),
      teams: new Set(row?.teams ?? []),
      policy: row?.policy ?? 'accept',
    };
  }

  // Every membership of the orgs, with its dates: what the processors attribute events to teams by.
  async memberships(orgIds: readonly string[]): Promise<Map<string, Membership[]>> {
    const rows = await this.db.query<(Membership & { orgId: string })[]>(
      `SELECT org_id AS "orgId", agent_id AS "agentId", team_id AS "teamId",
              valid_from::text AS "from", valid_to::text AS "to"
       FROM roster_memberships WHERE org_id = ANY($1::text[]) ORDER BY org_id, agent_id, valid_from`,
      [orgIds],
    );
    const out = new Map<string, Membership[]>();
    for (const { orgId, ...m } of rows) {
      const list = out.get(orgId);
      if (list === undefined) out.set(orgId, [m]);
      else list.push(m);
    }
    return out;
  }

  async policy(orgId: string): Promise<UnknownMemberPolicy> {
    const [row] = await this.db.query<{ unknown_members: UnknownMemberPolicy }[]>(
      `SELECT unknown_members FROM roster_settings WHERE org_id = $1`,
      [orgId],
    );
    return row?.unknown_members ?? 'accept';
  }

  async setPolicy(orgId: string, policy: UnknownMemberPolicy, by: string): Promise<void> {
    await this.db.query(
      `INSERT INTO roster_settings (org_id, unknown_members, updated_by) VALUES ($1, $2, $3)
       ON CONFLICT (org_id) DO UPDATE SET unknown_members = excluded.unknown_members,
         updated_by = excluded.updated_by, updated_at = now()`,
      [orgId, policy, by],
    );
  }

  // Counts events naming members the roster does not know (accepted under the 'accept' policy). Rows are
  // upserted in key order: concurrent requests naming the same members in another order would deadlock.
  async recordUnknown(
    orgId: string,
    seen: readonly { kind: 'agent' | 'team'; id: string; events: number }[],
  ): Promise<void> {
    if (seen.length === 0) return;
    await this.db.query(
      `INSERT INTO roster_unknown_members (org_id, kind, member_id, events, first_seen, last_seen)
       SELECT $1, k, i, n, now(), now() FROM unnest($2::text[], $3::text[], $4::bigint[]) AS x(k, i, n)
       ORDER BY k, i
       ON CONFLICT (org_id, kind, member_id) DO UPDATE SET
         events = roster_unknown_members.events + excluded.events, last_seen = excluded.last_seen`,
      [orgId, seen.map((s) => s.kind), seen.map((s) => s.id), seen.map((s) => s.events)],
    );
  }

  // The unknown members seen, still unknown to the roster, most recent first.
  async unknownOf(orgId: string): Promise<UnknownMember[]> {
    return this.db.query<UnknownMember[]>(
      `SELECT u.kind, u.member_id AS id, u.events::int AS events, u.first_seen AS "firstSeen", u.last_seen AS "lastSeen"
       FROM roster_unknown_members u
       WHERE u.org_id = $1
         AND NOT EXISTS (SELECT 1 FROM roster_members a WHERE u.kind = 'agent' AND a.org_id = u.org_id AND a.agent_id = u.member_id)
         AND NOT EXISTS (SELECT 1 FROM roster_teams t WHERE u.kind = 'team' AND t.org_id = u.org_id AND t.team_id = u.member_id)
       ORDER BY u.last_seen DESC, u.kind, u.member_id
       LIMIT 1000`,
      [orgId],
    );
  }
}

// one writer of an org's roster at a time (an import and a directory's moves never interleave)
async function lockOrg(tx: EntityManager, orgId: string): Promise<void> {
  await tx.query(`SELECT pg_advisory_xact_lock(hashtext('roster:' || $1))`, [orgId]);
}

async function upsertTeams(tx: EntityManager, orgId: string, teams: RosterImport['teams']): Promise<void> {
  await tx.query(
    `INSERT INTO roster_teams (org_id, team_id, name, managers)
     SELECT $1, t->>'teamId', t->>'name', ARRAY(SELECT json_array_elements_text(t->'managers'))
     FROM json_array_elements($2::json) t
     ON CONFLICT (org_id, team_id) DO UPDATE SET name = COALESCE(excluded.name, roster_teams.name),
       managers = CASE WHEN cardinality(excluded.managers) > 0 THEN excluded.managers ELSE roster_teams.managers END`,
    [orgId, JSON.stringify(teams)],
  );
}

async function upsertMembers(tx: EntityManager, orgId: string, members: RosterImport['members']): Promise<void> {
  await tx.query(
    `INSERT INTO roster_members (org_id, agent_id, display_name)
     SELECT $1, m->>'agentId', m->>'name' FROM json_array_elements($2::json) m
     ON CONFLICT (org_id, agent_id) DO UPDATE SET display_name = excluded.display_name`,
    [orgId, JSON.stringify(members)],
  );
}

async function insertMemberships(tx: EntityManager, orgId: string, memberships: readonly Membership[]): Promise<void> {
  if (memberships.length === 0) return;
  await tx.query(
    `INSERT INTO roster_memberships (org_id, agent_id, team_id, valid_from, valid_to)
     SELECT $1, m->>'agentId', m->>'teamId', (m->>'from')::date, (m->>'to')::date FROM json_array_elements($2::json) m`,
    [orgId, JSON.stringify(memberships)],
  );
}
