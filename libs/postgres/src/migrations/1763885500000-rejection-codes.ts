import type { MigrationInterface, QueryRunner } from 'typeorm';

// A rejection's field and stable code (checkEvent's), so that dead letters can be counted by code.
// Nullable: rows from before this migration have neither.
export class RejectionCodes1763885500000 implements MigrationInterface {
  name = 'RejectionCodes1763885500000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE rejected_events ADD COLUMN field text, ADD COLUMN code text`);
    await q.query(`CREATE INDEX rejected_events_code ON rejected_events (code, received_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX rejected_events_code`);
    await q.query(`ALTER TABLE rejected_events DROP COLUMN code, DROP COLUMN field`);
  }
}
