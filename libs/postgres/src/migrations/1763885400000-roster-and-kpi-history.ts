import type { MigrationInterface, QueryRunner } from 'typeorm';

// The roster (which team an agent works in, as their latest folded event says: who may see whom), and
// each KPI's actual in the scorecard history (the scorecard page's sparklines).
export class RosterAndKpiHistory1763885400000 implements MigrationInterface {
  name = 'RosterAndKpiHistory1763885400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE agent_teams (
        org_id     text        NOT NULL,
        agent_id   text        NOT NULL,
        team_id    text        NOT NULL,
        seen_at    timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (org_id, agent_id)
      )`);
    await q.query(`CREATE INDEX agent_teams_team ON agent_teams (org_id, team_id)`);
    await q.query(`ALTER TABLE scorecard_history ADD COLUMN actuals jsonb`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE scorecard_history DROP COLUMN actuals`);
    await q.query(`DROP TABLE agent_teams`);
  }
}
