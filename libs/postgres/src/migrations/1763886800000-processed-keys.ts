import type { MigrationInterface, QueryRunner } from 'typeorm';

// The idempotency keys a Kafka partition processor has folded (libs/pipeline PersistedKeys): written with
// its checkpoint in one transaction, looked up before a batch is folded, forgotten by day past the
// engine's horizon. Processors over the Postgres log need none: its unique index tells repeats apart.
export class ProcessedKeys1763886800000 implements MigrationInterface {
  name = 'ProcessedKeys1763886800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE processed_keys (
        processor    text    NOT NULL, -- the checkpoint's name: <name>/p<partition>
        event_key    text    NOT NULL, -- idempotencyKey(source, id)
        org_id       text    NOT NULL,
        event_day    integer NOT NULL, -- days since 1970-01-01 of the event's time (UTC)
        fingerprint  integer NOT NULL, -- contentFingerprint; -1 when unknown
        PRIMARY KEY (processor, event_key)
      )`);
    await q.query(`CREATE INDEX processed_keys_expiry ON processed_keys (processor, org_id, event_day)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE processed_keys`);
  }
}
