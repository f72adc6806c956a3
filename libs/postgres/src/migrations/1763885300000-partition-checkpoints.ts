import type { MigrationInterface, QueryRunner } from 'typeorm';

// Over Kafka a checkpoint covers one partition number of every source topic: its offsets per topic.
export class PartitionCheckpoints1763885300000 implements MigrationInterface {
  name = 'PartitionCheckpoints1763885300000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE processor_checkpoints ADD COLUMN offsets jsonb`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE processor_checkpoints DROP COLUMN offsets`);
  }
}
