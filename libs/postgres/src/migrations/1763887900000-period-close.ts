import type { MigrationInterface, QueryRunner } from 'typeorm';

// Period close (docs/review-and-close.md): closed periods, the scorecards frozen at each close, the
// restatements late events propose and their decisions, final grades decided over calibration, and the
// audit trail. Every table is append-only: a trigger refuses UPDATE and DELETE, so a frozen result is
// never changed in place; a restatement or a final grade is a row of its own, beside what it amends.
export class PeriodClose1763887900000 implements MigrationInterface {
  name = 'PeriodClose1763887900000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION period_close_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'integrity_constraint_violation';
      END $$`);
    await q.query(`
      CREATE TABLE closed_periods (
        scorecard     text        NOT NULL,
        org_id        text        NOT NULL,
        period_start  timestamptz NOT NULL,
        period_end    timestamptz NOT NULL,
        version       int         NOT NULL,          -- the definitions version the period was scored with
        grace_ms      bigint      NOT NULL,
        log_position  bigint,                        -- the event-log position scoring had reached; null: a batch
        closed_at     timestamptz NOT NULL DEFAULT now(),
        outcome       jsonb       NOT NULL,          -- calibration proposal and bonus pool split
        PRIMARY KEY (scorecard, org_id, period_start)
      )`);
    await q.query(`CREATE INDEX closed_periods_org ON closed_periods (org_id, period_start DESC)`);
    await q.query(`
      CREATE TABLE frozen_scorecards (
        scorecard     text        NOT NULL,
        org_id        text        NOT NULL,
        level         text        NOT NULL,
        entity_id     text        NOT NULL,
        period_start  timestamptz NOT NULL,
        total         double precision,
        grade         text,
        content       jsonb       NOT NULL,          -- FrozenContent (libs/close)
        content_hash  text        NOT NULL,          -- sha256 of its canonical JSON
        outcome       jsonb       NOT NULL,          -- the person's proposed grade, bonus and streaks
        PRIMARY KEY (scorecard, org_id, level, entity_id, period_start),
        FOREIGN KEY (scorecard, org_id, period_start) REFERENCES closed_periods
      )`);
    await q.query(`
      CREATE TABLE restatements (
        id            bigserial   PRIMARY KEY,
        scorecard     text        NOT NULL,
        org_id        text        NOT NULL,
        level         text        NOT NULL,
        entity_id     text        NOT NULL,
        period_start  timestamptz NOT NULL,
        before_hash   text        NOT NULL,
        after_hash    text        NOT NULL,
        after         jsonb       NOT NULL,          -- the card scored again
        diff          jsonb       NOT NULL,          -- [{ path, before, after }]
        log_from      bigint,                        -- events after this log position (the freeze's) …
        log_to        bigint,                        -- … up to this one moved it
        changed       jsonb       NOT NULL,          -- the indicator values that moved
        detected_at   timestamptz NOT NULL DEFAULT now(),
        UNIQUE (scorecard, org_id, level, entity_id, period_start, after_hash),
        FOREIGN KEY (scorecard, org_id, level, entity_id, period_start) REFERENCES frozen_scorecards
      )`);
    await q.query(`CREATE INDEX restatements_org ON restatements (org_id, id DESC)`);
    await q.query(`
      CREATE TABLE restatement_decisions (
        restatement_id bigint      PRIMARY KEY REFERENCES restatements,
        decision       text        NOT NULL CHECK (decision IN ('approved', 'dismissed')),
        decided_by     text        NOT NULL,
        reason         text        NOT NULL,
        decided_at     timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE final_grades (
        id            bigserial   PRIMARY KEY,
        scorecard     text        NOT NULL,
        org_id        text        NOT NULL,
        level         text        NOT NULL,
        entity_id     text        NOT NULL,
        period_start  timestamptz NOT NULL,
        grade         text        NOT NULL,
        coefficient   double precision,
        decided_by    text        NOT NULL,
        role          text        NOT NULL,
        reason        text        NOT NULL,
        decided_at    timestamptz NOT NULL DEFAULT now(),
        FOREIGN KEY (scorecard, org_id, level, entity_id, period_start) REFERENCES frozen_scorecards
      )`);
    await q.query(
      `CREATE INDEX final_grades_card ON final_grades (scorecard, org_id, period_start, entity_id, id DESC)`,
    );
    await q.query(`
      CREATE TABLE close_audit (
        id            bigserial   PRIMARY KEY,
        org_id        text        NOT NULL,
        at            timestamptz NOT NULL DEFAULT now(),
        actor         text        NOT NULL,          -- a token's subject, or the service that closed
        action        text        NOT NULL,          -- closed, restated, restatement-approved, …-dismissed, grade-decided
        scorecard     text        NOT NULL,
        period_start  timestamptz NOT NULL,
        entity_id     text,
        detail        jsonb       NOT NULL
      )`);
    await q.query(`CREATE INDEX close_audit_org ON close_audit (org_id, id DESC)`);
    for (const table of [
      'closed_periods',
      'frozen_scorecards',
      'restatements',
      'restatement_decisions',
      'final_grades',
      'close_audit',
    ])
      await q.query(
        `CREATE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE ON ${table}
         FOR EACH ROW EXECUTE FUNCTION period_close_append_only()`,
      );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'close_audit',
      'final_grades',
      'restatement_decisions',
      'restatements',
      'frozen_scorecards',
      'closed_periods',
    ])
      await q.query(`DROP TABLE ${table}`);
    await q.query(`DROP FUNCTION period_close_append_only()`);
  }
}
