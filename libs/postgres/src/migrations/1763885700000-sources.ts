import type { MigrationInterface, QueryRunner } from 'typeorm';

// The sources allowed to write events: each belongs to one org, sends as one CloudEvents `source` (unique:
// (source, id) identifies an event) and only the listed event types. Its write credentials are stored
// as a SHA-256 of the secret; two may be active at a time (rotation), each revocable.
export class Sources1763885700000 implements MigrationInterface {
  name = 'Sources1763885700000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE sources (
        id          text        PRIMARY KEY,
        org_id      text        NOT NULL,
        uri         text        NOT NULL UNIQUE,
        name        text        NOT NULL,
        event_types text[]      NOT NULL,
        created_by  text        NOT NULL,
        created_at  timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX sources_org ON sources (org_id)`);
    await q.query(`
      CREATE TABLE source_credentials (
        id           text        PRIMARY KEY,
        source_id    text        NOT NULL REFERENCES sources (id),
        secret_hash  text        NOT NULL,
        created_by   text        NOT NULL,
        created_at   timestamptz NOT NULL DEFAULT now(),
        last_used_at timestamptz,
        revoked_at   timestamptz
      )`);
    await q.query(`CREATE INDEX source_credentials_source ON source_credentials (source_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE source_credentials`);
    await q.query(`DROP TABLE sources`);
  }
}
