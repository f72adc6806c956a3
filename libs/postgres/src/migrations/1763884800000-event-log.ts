import type { MigrationInterface, QueryRunner } from 'typeorm';

// The embedded default's event log: append-only, offsets from a sequence, (source, id) unique so an
// event is logged once; each consumer's read position; events rejected at ingest with their reason.
export class EventLog1763884800000 implements MigrationInterface {
  name = 'EventLog1763884800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE event_log (
        "offset"     bigserial PRIMARY KEY,
        key          text        NOT NULL,
        source       text        NOT NULL,
        event_id     text        NOT NULL,
        event_time   timestamptz NOT NULL,
        event        jsonb       NOT NULL,
        appended_at  timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT event_log_source_id UNIQUE (source, event_id)
      )`);
    await q.query(`CREATE INDEX event_log_appended_at ON event_log (appended_at)`);
    await q.query(`
      CREATE TABLE consumer_offsets (
        consumer   text        PRIMARY KEY,
        "offset"   bigint      NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE rejected_events (
        id          bigserial   PRIMARY KEY,
        received_at timestamptz NOT NULL DEFAULT now(),
        source      text,
        event_id    text,
        reason      text        NOT NULL,
        payload     text        NOT NULL
      )`);
    await q.query(`CREATE INDEX rejected_events_received_at ON rejected_events (received_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE rejected_events`);
    await q.query(`DROP TABLE consumer_offsets`);
    await q.query(`DROP TABLE event_log`);
  }
}
