import type { MigrationInterface, QueryRunner } from 'typeorm';

// The roster of record, per org: its members (agents), teams (with their managers' subjects) and
// memberships with effective dates (valid_to: the first day no longer in the team, null while open); the
// org's roster settings (what to do with events naming members the roster does not know) and the
// unknown members seen. agent_teams (the roster learned from event payloads) is dropped: access reads
// the roster of record only.
export class RosterOfRecord1763885900000 implements MigrationInterface {
  name = 'RosterOfRecord1763885900000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE roster_members (
        org_id       text NOT NULL,
        agent_id     text NOT NULL,
        display_name text,
        PRIMARY KEY (org_id, agent_id)
      )`);
    await q.query(`
      CREATE TABLE roster_teams (
        org_id   text   NOT NULL,
        team_id  text   NOT NULL,
        name     text,
        managers text[] NOT NULL DEFAULT '{}',
        PRIMARY KEY (org_id, team_id)
      )`);
    await q.query(`
      CREATE TABLE roster_memberships (
        org_id     text NOT NULL,
        agent_id   text NOT NULL,
        team_id    text NOT NULL,
        valid_from date NOT NULL,
        valid_to   date,
        PRIMARY KEY (org_id, agent_id, valid_from),
        FOREIGN KEY (org_id, agent_id) REFERENCES roster_members (org_id, agent_id) ON DELETE CASCADE,
        FOREIGN KEY (org_id, team_id) REFERENCES roster_teams (org_id, team_id) ON DELETE CASCADE,
        CHECK (valid_to IS NULL OR valid_to > valid_from)
      )`);
    await q.query(`CREATE INDEX roster_memberships_team ON roster_memberships (org_id, team_id)`);
    await q.query(`
      CREATE TABLE roster_settings (
        org_id          text        PRIMARY KEY,
        unknown_members text        NOT NULL DEFAULT 'accept' CHECK (unknown_members IN ('accept', 'reject')),
        updated_by      text        NOT NULL,
        updated_at      timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE roster_unknown_members (
        org_id     text        NOT NULL,
        kind       text        NOT NULL CHECK (kind IN ('agent', 'team')),
        member_id  text        NOT NULL,
        events     bigint      NOT NULL,
        first_seen timestamptz NOT NULL,
        last_seen  timestamptz NOT NULL,
        PRIMARY KEY (org_id, kind, member_id)
      )`);
    await q.query(`DROP TABLE agent_teams`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE agent_teams (
        org_id     text        NOT NULL,
        agent_id   text        NOT NULL,
        team_id    text        NOT NULL,
        seen_at    timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (org_id, agent_id)
      )`);
    await q.query(`CREATE INDEX agent_teams_team ON agent_teams (org_id, team_id)`);
    await q.query(`DROP TABLE roster_unknown_members`);
    await q.query(`DROP TABLE roster_settings`);
    await q.query(`DROP TABLE roster_memberships`);
    await q.query(`DROP TABLE roster_teams`);
    await q.query(`DROP TABLE roster_members`);
  }
}
