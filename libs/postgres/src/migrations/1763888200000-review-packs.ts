import type { MigrationInterface, QueryRunner } from 'typeorm';

// The weekly review pack (docs/review-and-close.md): the packs generated per team and week, the action
// items a meeting agrees, who receives the pack by email, and the deals' openings, stage changes and
// closes that tell stalled opportunities (read from crm.deal.* events by the review's deal follower).
export class ReviewPacks1763888200000 implements MigrationInterface {
  name = 'ReviewPacks1763888200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE review_packs (
        org_id       text        NOT NULL,
        team_id      text        NOT NULL,
        week         text        NOT NULL, -- ISO week, 2026-W48, on the org's calendar
        data_hash    text        NOT NULL, -- sha256 of the week's results: the same for a regenerated closed week
        first_hash   text        NOT NULL, -- the first generation's: a pack whose hash differs says so
        pack         jsonb       NOT NULL,
        generated_at timestamptz NOT NULL,
        generations  int         NOT NULL DEFAULT 1,
        delivered_at timestamptz, -- mailed to the team's subscribers by the schedule
        PRIMARY KEY (org_id, team_id, week)
      )`);
    await q.query(`
      CREATE TABLE review_action_items (
        id           bigserial   PRIMARY KEY,
        org_id       text        NOT NULL,
        team_id      text        NOT NULL,
        title        text        NOT NULL,
        owner        text        NOT NULL,
        due_date     date        NOT NULL,
        status       text        NOT NULL CHECK (status IN ('open', 'in_progress', 'done', 'dropped')),
        raised_week  text        NOT NULL,
        created_by   text        NOT NULL, -- the token's subject
        created_at   timestamptz NOT NULL DEFAULT now(),
        updated_at   timestamptz NOT NULL DEFAULT now(),
        closed_at    timestamptz
      )`);
    await q.query(`CREATE INDEX review_action_items_team ON review_action_items (org_id, team_id)`);
    await q.query(`
      CREATE TABLE review_subscribers (
        org_id       text        NOT NULL,
        team_id      text        NOT NULL,
        email        text        NOT NULL,
        language     text        NOT NULL CHECK (language IN ('zh', 'en')),
        created_by   text        NOT NULL,
        created_at   timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (org_id, team_id, email)
      )`);
    await q.query(`
      CREATE TABLE review_deals (
        org_id       text        NOT NULL,
        deal_id      text        NOT NULL,
        team_id      text,
        agent_id     text,
        opened_at    timestamptz,
        closed_at    timestamptz,
        outcome      text,
        PRIMARY KEY (org_id, deal_id)
      )`);
    await q.query(`CREATE INDEX review_deals_open ON review_deals (org_id, team_id) WHERE closed_at IS NULL`);
    await q.query(`
      CREATE TABLE review_deal_stages (
        org_id       text        NOT NULL,
        deal_id      text        NOT NULL,
        stage        text        NOT NULL,
        at           timestamptz NOT NULL,
        PRIMARY KEY (org_id, deal_id, at, stage)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE review_deal_stages`);
    await q.query(`DROP TABLE review_deals`);
    await q.query(`DROP TABLE review_subscribers`);
    await q.query(`DROP TABLE review_action_items`);
    await q.query(`DROP TABLE review_packs`);
  }
}
