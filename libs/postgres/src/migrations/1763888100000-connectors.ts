import type { MigrationInterface, QueryRunner } from 'typeorm';

// Connectors (docs/connectors.md): a source may be a vendor's webhook (`connector`: stripe, hubspot…),
// with its settings (the vendor account's currency). Its credentials are the vendor's signing secrets,
// which verifying needs as given (`signing_secret`, never returned) instead of a hash of a token KPI Pulse
// made; two may be active (rotation). Each source counts its webhooks by outcome and keeps the last error.
// `webhook_payloads` keeps each verified webhook as it came (append-only, secrets removed) for replays and
// for the history a mapping reads (the records it is about), pruned by KPI_RETAIN_WEBHOOKS.
export class Connectors1763888100000 implements MigrationInterface {
  name = 'Connectors1763888100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE sources
        ADD COLUMN connector        text,
        ADD COLUMN settings         jsonb NOT NULL DEFAULT '{}',
        ADD COLUMN outcomes         jsonb NOT NULL DEFAULT '{}',
        ADD COLUMN last_delivery_at timestamptz,
        ADD COLUMN last_error       text,
        ADD COLUMN last_error_at    timestamptz`);
    await q.query(
      `ALTER TABLE source_credentials ALTER COLUMN secret_hash DROP NOT NULL, ADD COLUMN signing_secret text`,
    );
    await q.query(`
      ALTER TABLE source_credentials ADD CONSTRAINT source_credentials_one_secret
        CHECK ((secret_hash IS NULL) <> (signing_secret IS NULL))`);
    await q.query(`
      CREATE TABLE webhook_payloads (
        id           bigserial   PRIMARY KEY,
        source_id    text        NOT NULL REFERENCES sources (id),
        received_at  timestamptz NOT NULL DEFAULT now(),
        content_type text        NOT NULL,
        headers      jsonb       NOT NULL, -- as received, less credentials and cookies
        body         text        NOT NULL, -- as received, less the secrets a vendor puts in it
        records      text[]      NOT NULL -- the records it is about: deal:42, ticket:5158
      )`);
    await q.query(`CREATE INDEX webhook_payloads_source ON webhook_payloads (source_id, received_at)`);
    await q.query(`CREATE INDEX webhook_payloads_records ON webhook_payloads USING gin (records)`);
    await q.query(`CREATE INDEX webhook_payloads_received_at ON webhook_payloads (received_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE webhook_payloads`);
    await q.query(`DELETE FROM source_credentials WHERE signing_secret IS NOT NULL`);
    await q.query(`ALTER TABLE source_credentials DROP CONSTRAINT source_credentials_one_secret`);
    await q.query(`ALTER TABLE source_credentials DROP COLUMN signing_secret, ALTER COLUMN secret_hash SET NOT NULL`);
    await q.query(`DELETE FROM sources WHERE connector IS NOT NULL`);
    await q.query(`
      ALTER TABLE sources DROP COLUMN connector, DROP COLUMN settings, DROP COLUMN outcomes,
        DROP COLUMN last_delivery_at, DROP COLUMN last_error, DROP COLUMN last_error_at`);
  }
}
