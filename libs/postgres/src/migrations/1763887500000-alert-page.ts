import type { MigrationInterface, QueryRunner } from 'typeorm';

// The page's alerts (docs/alerts.md "On the page"): each pending or firing instance names what it watches
// in columns of its own, so a role's scope is a plain filter (the instance key cannot be split: an entity
// id may hold its separator); and who acknowledged a fired alert, and when.
export class AlertPage1763887500000 implements MigrationInterface {
  name = 'AlertPage1763887500000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE alert_states
        ADD COLUMN scorecard    text,
        ADD COLUMN rule         text,
        ADD COLUMN kpi          text,
        ADD COLUMN level        text,
        ADD COLUMN entity_id    text,
        ADD COLUMN period_start timestamptz,
        ADD COLUMN severity     text,
        ADD COLUMN name         jsonb`);
    // states written before this migration: their firing episode's transition names them; a pending one
    // is named at its next reading (the alerting runner writes every column)
    await q.query(`
      UPDATE alert_states s SET scorecard = t.scorecard, rule = t.rule, kpi = t.kpi, level = t.level,
          entity_id = t.entity_id, period_start = t.period_start, severity = t.severity, name = t.name
        FROM alert_transitions t
       WHERE s.status = 'firing' AND t.kind = 'fired'
         AND t.key = s.instance || '|' || (extract(epoch FROM s.fired_at) * 1000)::bigint || '|fired'`);
    await q.query(`CREATE INDEX alert_states_entity ON alert_states (org_id, level, entity_id)`);
    await q.query(`CREATE INDEX alert_transitions_entity ON alert_transitions (org_id, level, entity_id, id DESC)`);
    await q.query(`
      CREATE TABLE alert_acknowledgements (
        transition_id bigint      PRIMARY KEY REFERENCES alert_transitions (id) ON DELETE CASCADE, -- a fired one
        org_id        text        NOT NULL,
        by_subject    text        NOT NULL, -- the token's subject
        by_role       text        NOT NULL,
        at            timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE alert_acknowledgements`);
    await q.query(`DROP INDEX alert_transitions_entity`);
    await q.query(`DROP INDEX alert_states_entity`);
    await q.query(`
      ALTER TABLE alert_states
        DROP COLUMN scorecard, DROP COLUMN rule, DROP COLUMN kpi, DROP COLUMN level, DROP COLUMN entity_id,
        DROP COLUMN period_start, DROP COLUMN severity, DROP COLUMN name`);
  }
}
