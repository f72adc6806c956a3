import type { MigrationInterface, QueryRunner } from 'typeorm';

// Retention (docs/retention.md): indexes that let the pruner find old rows, and a version's successor, in
// bounded batches instead of scanning whole tables; and where each reader of the Postgres feed has got
// to, so that no row is pruned before every live reader has read it.
export class Retention1763886000000 implements MigrationInterface {
  name = 'Retention1763886000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX indicator_value_history_recorded ON indicator_value_history (recorded_at)`);
    await q.query(`CREATE INDEX scorecard_history_recorded ON scorecard_history (recorded_at)`);
    // a card version's successor (the next id of its scorecard, entity and period); also the REST history
    await q.query(
      `CREATE INDEX scorecard_history_card ON scorecard_history (scorecard, org_id, level, entity_id, period_start, id)`,
    );
    await q.query(
      `CREATE INDEX red_line_breaches_resolved ON red_line_breaches (resolved_at) WHERE resolved_at IS NOT NULL`,
    );
    // a breach's deliveries: the pending ones keep it, and deleting it cascades to them
    await q.query(`CREATE INDEX alert_deliveries_breach ON alert_deliveries (breach_id)`);
    await q.query(`
      CREATE TABLE feed_readers (
        reader   text        PRIMARY KEY,
        topic    text        NOT NULL,
        position bigint      NOT NULL, -- the last feed id handed to the reader's listener
        seen_at  timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE feed_readers`);
    await q.query(`DROP INDEX alert_deliveries_breach`);
    await q.query(`DROP INDEX red_line_breaches_resolved`);
    await q.query(`DROP INDEX scorecard_history_card`);
    await q.query(`DROP INDEX scorecard_history_recorded`);
    await q.query(`DROP INDEX indicator_value_history_recorded`);
  }
}
