import type { MigrationInterface, QueryRunner } from 'typeorm';

// Scorecards: the latest per (scorecard, entity, period) and their history; red-line breaches.
export class Scorecards1763885000000 implements MigrationInterface {
  name = 'Scorecards1763885000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE scorecards (
        scorecard    text          NOT NULL,
        version      int           NOT NULL,
        org_id       text          NOT NULL,
        level        text          NOT NULL,
        entity_id    text          NOT NULL,
        period_start timestamptz   NOT NULL,
        period_end   timestamptz   NOT NULL,
        total        double precision,
        grade        text,
        card         jsonb         NOT NULL,
        updated_at   timestamptz   NOT NULL DEFAULT now(),
        PRIMARY KEY (scorecard, org_id, level, entity_id, period_start)
      )`);
    await q.query(`CREATE INDEX scorecards_entity ON scorecards (org_id, level, entity_id, updated_at DESC)`);
    await q.query(`
      CREATE TABLE scorecard_history (
        id           bigserial     PRIMARY KEY,
        scorecard    text          NOT NULL,
        org_id       text          NOT NULL,
        level        text          NOT NULL,
        entity_id    text          NOT NULL,
        period_start timestamptz   NOT NULL,
        total        double precision,
        grade        text,
        recorded_at  timestamptz   NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX scorecard_history_series ON scorecard_history (scorecard, org_id, recorded_at)`);
    await q.query(`
      CREATE TABLE red_line_breaches (
        id           bigserial     PRIMARY KEY,
        scorecard    text          NOT NULL,
        kpi          text          NOT NULL,
        effect       text          NOT NULL,
        org_id       text          NOT NULL,
        level        text          NOT NULL,
        entity_id    text          NOT NULL,
        period_start timestamptz   NOT NULL,
        opened_at    timestamptz   NOT NULL DEFAULT now(),
        resolved_at  timestamptz
      )`);
    // at most one open breach per red line and entity and period
    await q.query(`
      CREATE UNIQUE INDEX red_line_breaches_open ON red_line_breaches (scorecard, kpi, effect, org_id, level, entity_id, period_start)
      WHERE resolved_at IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE red_line_breaches`);
    await q.query(`DROP TABLE scorecard_history`);
    await q.query(`DROP TABLE scorecards`);
  }
}
