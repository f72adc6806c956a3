import type { MigrationInterface, QueryRunner } from 'typeorm';

// Alert rules' instances (docs/definitions.md "Alert rules"): the state of each pending or firing one,
// and every transition (fired, resolved) once by its idempotency key — the alert history, and what
// deliveries are made from.
export class AlertStates1763886500000 implements MigrationInterface {
  name = 'AlertStates1763886500000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE alert_states (
        instance     text             PRIMARY KEY, -- org|scorecard|rule|kpi|level|entity|period (instanceKey)
        org_id       text             NOT NULL,
        status       text             NOT NULL CHECK (status IN ('pending', 'firing')),
        since        timestamptz      NOT NULL, -- event time: when the condition began to hold
        fired_at     timestamptz,
        clear_since  timestamptz,
        value        double precision,
        updated_at   timestamptz      NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX alert_states_org ON alert_states (org_id)`);
    await q.query(`
      CREATE TABLE alert_transitions (
        id           bigserial        PRIMARY KEY,
        key          text             NOT NULL UNIQUE,
        org_id       text             NOT NULL,
        scorecard    text             NOT NULL,
        rule         text             NOT NULL,
        kpi          text             NOT NULL, -- '' for the card's total
        level        text             NOT NULL,
        entity_id    text             NOT NULL,
        period_start timestamptz,               -- null for a streak
        kind         text             NOT NULL CHECK (kind IN ('fired', 'resolved')),
        severity     text             NOT NULL,
        name         jsonb            NOT NULL, -- the rule's { en, zh }
        labels       jsonb            NOT NULL,
        value        double precision,
        fired_at     timestamptz      NOT NULL, -- event time the episode fired (a resolution carries it too)
        at           timestamptz      NOT NULL, -- event time of this transition
        recorded_at  timestamptz      NOT NULL DEFAULT now()
      )`);
    // the page's list and Grafana ask "an org's alerts, newest first"
    await q.query(`CREATE INDEX alert_transitions_org ON alert_transitions (org_id, at DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE alert_transitions`);
    await q.query(`DROP TABLE alert_states`);
  }
}
