import type { MigrationInterface, QueryRunner } from 'typeorm';

// Connector signing secrets sealed at rest (docs/connectors.md, "Secrets at rest"): `sealed_secret` holds
// them encrypted (AES-256-GCM, libs/postgres secret-box.ts). SQL cannot encrypt with the runtime's key, so
// the secrets kept in clear before (`signing_secret`) are sealed and emptied by the runtime's first start
// after this migration (SourcesRepository.sealClearSecrets); a credential has exactly one of the three.
// Stripe sources also map invoice.marked_uncollectible to invoice.written_off from now on: their allowed
// event types gain it.
export class SealedSigningSecrets1763888600000 implements MigrationInterface {
  name = 'SealedSigningSecrets1763888600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE source_credentials ADD COLUMN sealed_secret text`);
    await q.query(`ALTER TABLE source_credentials DROP CONSTRAINT source_credentials_one_secret`);
    await q.query(`
      ALTER TABLE source_credentials ADD CONSTRAINT source_credentials_one_secret
        CHECK (num_nonnulls(secret_hash, signing_secret, sealed_secret) = 1)`);
    await q.query(`
      UPDATE sources SET event_types = array_append(event_types, 'invoice.written_off')
      WHERE connector = 'stripe' AND NOT ('invoice.written_off' = ANY (event_types))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      `UPDATE sources SET event_types = array_remove(event_types, 'invoice.written_off') WHERE connector = 'stripe'`,
    );
    // SQL cannot open them: sealed secrets are forgotten, and must be set again after a downgrade
    await q.query(`DELETE FROM source_credentials WHERE sealed_secret IS NOT NULL`);
    await q.query(`ALTER TABLE source_credentials DROP CONSTRAINT source_credentials_one_secret`);
    await q.query(`ALTER TABLE source_credentials DROP COLUMN sealed_secret`);
    await q.query(`
      ALTER TABLE source_credentials ADD CONSTRAINT source_credentials_one_secret
        CHECK ((secret_hash IS NULL) <> (signing_secret IS NULL))`);
  }
}
