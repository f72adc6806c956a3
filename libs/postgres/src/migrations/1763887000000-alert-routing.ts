import type { MigrationInterface, QueryRunner } from 'typeorm';

// Alert routing (docs/alerts.md): subscriptions, silences, each subscription's groups (the router's
// state: transitions waiting for their group's message, and what the subscriber was told fires), and
// the delivery outbox. The first alert_subscriptions / alert_deliveries (on red-line breaches) were never
// written: they go.
export class AlertRouting1763887000000 implements MigrationInterface {
  name = 'AlertRouting1763887000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX alert_deliveries_breach`);
    await q.query(`DROP TABLE alert_deliveries`);
    await q.query(`DROP TABLE alert_subscriptions`);
    await q.query(`
      CREATE TABLE alert_subscriptions (
        id                 bigserial   PRIMARY KEY,
        org_id             text        NOT NULL,
        owner              jsonb       NOT NULL, -- { subject, role, teams, agentId }: bounds what it receives
        matchers           jsonb       NOT NULL,
        channel            jsonb       NOT NULL, -- holds secrets: never logged, never returned by the API
        language           text        NOT NULL CHECK (language IN ('zh', 'en')),
        group_by           text[]      NOT NULL,
        group_wait_ms      bigint      NOT NULL,
        group_interval_ms  bigint      NOT NULL,
        repeat_interval_ms bigint      NOT NULL,
        quiet_hours        jsonb,                -- { from: "22:00", to: "08:00" } in the org's time zone
        created_at         timestamptz NOT NULL DEFAULT now(),
        updated_at         timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX alert_subscriptions_org ON alert_subscriptions (org_id)`);
    await q.query(`
      CREATE TABLE alert_silences (
        id         bigserial   PRIMARY KEY,
        org_id     text        NOT NULL,
        matchers   jsonb       NOT NULL,
        starts_at  timestamptz NOT NULL,
        ends_at    timestamptz NOT NULL, -- expiring a silence sets it to now
        created_by text        NOT NULL,
        comment    text        NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX alert_silences_org ON alert_silences (org_id, ends_at)`);
    await q.query(`
      CREATE TABLE alert_groups (
        subscription_id bigint      NOT NULL REFERENCES alert_subscriptions (id) ON DELETE CASCADE,
        group_key       text        NOT NULL,
        pending         jsonb       NOT NULL, -- transitions not sent yet
        firing          jsonb       NOT NULL, -- alerts the subscriber was told fire (repeats, resolutions)
        next_at         timestamptz,          -- when the next message may go out; null: nothing to send
        last_sent_at    timestamptz,
        PRIMARY KEY (subscription_id, group_key)
      )`);
    await q.query(`CREATE INDEX alert_groups_due ON alert_groups (next_at) WHERE next_at IS NOT NULL`);
    await q.query(`
      CREATE TABLE alert_deliveries (
        id              bigserial   PRIMARY KEY,
        subscription_id bigint      NOT NULL REFERENCES alert_subscriptions (id) ON DELETE CASCADE,
        org_id          text        NOT NULL,
        idempotency_key text        NOT NULL UNIQUE,
        channel_kind    text        NOT NULL,
        group_key       text        NOT NULL,
        reason          text        NOT NULL CHECK (reason IN ('changes', 'repeat')),
        alerts          text[]      NOT NULL, -- the transitions' keys (alert_transitions.key)
        title           text        NOT NULL, -- the message's title (an email's subject), in its language
        message         jsonb       NOT NULL, -- rendered for the channel, signed at each try
        status          text        NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
        attempts        int         NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        lease           text,
        lease_until     timestamptz,
        last_error      text,
        created_at      timestamptz NOT NULL DEFAULT now(),
        updated_at      timestamptz NOT NULL DEFAULT now(),
        delivered_at    timestamptz
      )`);
    await q.query(`CREATE INDEX alert_deliveries_due ON alert_deliveries (next_attempt_at) WHERE status = 'pending'`);
    await q.query(`CREATE INDEX alert_deliveries_org ON alert_deliveries (org_id, id DESC)`);
    // retention: delivered and failed ones by age
    await q.query(`CREATE INDEX alert_deliveries_done ON alert_deliveries (updated_at) WHERE status <> 'pending'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE alert_deliveries`);
    await q.query(`DROP TABLE alert_groups`);
    await q.query(`DROP TABLE alert_silences`);
    await q.query(`DROP TABLE alert_subscriptions`);
    await q.query(`
      CREATE TABLE alert_subscriptions (
        id         bigserial   PRIMARY KEY,
        org_id     text        NOT NULL,
        level      text,
        entity_id  text,
        scorecard  text,
        effect     text,
        channel    text        NOT NULL CHECK (channel IN ('webhook', 'email', 'socket')),
        target     text        NOT NULL,
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
    await q.query(`CREATE INDEX alert_deliveries_breach ON alert_deliveries (breach_id)`);
  }
}
