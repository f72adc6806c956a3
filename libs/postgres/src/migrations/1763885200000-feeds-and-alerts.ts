import type { MigrationInterface, QueryRunner } from 'typeorm';

// The change feeds between services in separate processes (an outbox per topic, woken by NOTIFY), and
// alert subscriptions on red-line breaches with their deliveries.
export class FeedsAndAlerts1763885200000 implements MigrationInterface {
  name = 'FeedsAndAlerts1763885200000';

  async up(q: QueryRunner): Promise<void> {
    // 'indicator-changes' (processor → scoring) and 'scorecards' (scoring → gateways); a row is written
    // in the transaction of what it announces, so a reader never sees a change that did not commit
    await q.query(`
      CREATE TABLE feed (
        id         bigserial   PRIMARY KEY,
        topic      text        NOT NULL,
        payload    jsonb       NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX feed_topic ON feed (topic, id)`);
    await q.query(`CREATE INDEX feed_age ON feed (created_at)`);
    await q.query(`
      CREATE TABLE alert_subscriptions (
        id         bigserial   PRIMARY KEY,
        org_id     text        NOT NULL,
        level      text,                 -- null: any level; else org, team or agent
        entity_id  text,                 -- null: every entity of the level
        scorecard  text,                 -- null: every scorecard
        effect     text,                 -- null: every red-line effect (veto, deduct, cap-grade…)
        channel    text        NOT NULL CHECK (channel IN ('webhook', 'email', 'socket')),
        target     text        NOT NULL, -- the URL or address to deliver to
        created_by text        NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        active     boolean     NOT NULL DEFAULT true
      )`);
    await q.query(`CREATE INDEX alert_subscriptions_org ON alert_subscriptions (org_id) WHERE active`);
    await q.query(`
      CREATE TABLE alert_deliveries (
        id              bigserial   PRIMARY KEY,
        subscription_id bigint      NOT NULL REFERENCES alert_subscriptions (id) ON DELETE CASCADE,
        breach_id       bigint      NOT NULL REFERENCES red_line_breaches (id) ON DELETE CASCADE,
        kind            text        NOT NULL CHECK (kind IN ('opened', 'resolved')),
        status          text        NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
        attempts        int         NOT NULL DEFAULT 0,
        last_error      text,
        created_at      timestamptz NOT NULL DEFAULT now(),
        delivered_at    timestamptz,
        UNIQUE (subscription_id, breach_id, kind)
      )`);
    await q.query(`CREATE INDEX alert_deliveries_pending ON alert_deliveries (created_at) WHERE status = 'pending'`);
    // Grafana's breach panels ask "opened in this time range"
    await q.query(`CREATE INDEX red_line_breaches_opened ON red_line_breaches (org_id, opened_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX red_line_breaches_opened`);
    await q.query(`DROP TABLE alert_deliveries`);
    await q.query(`DROP TABLE alert_subscriptions`);
    await q.query(`DROP TABLE feed`);
  }
}
