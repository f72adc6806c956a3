import type { MigrationInterface, QueryRunner } from 'typeorm';

// An engine snapshot is written whole and read whole, never queried inside: stored as json (checked, kept
// as sent) instead of jsonb (decomposed into a binary tree on every checkpoint), Postgres spends a
// fraction of the CPU on each checkpoint's megabytes.
export class CheckpointSnapshotJson1763889000000 implements MigrationInterface {
  name = 'CheckpointSnapshotJson1763889000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE processor_checkpoints ALTER COLUMN snapshot TYPE json USING snapshot::json`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE processor_checkpoints ALTER COLUMN snapshot TYPE jsonb USING snapshot::jsonb`);
  }
}
