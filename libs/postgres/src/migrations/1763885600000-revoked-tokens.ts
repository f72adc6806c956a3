import type { MigrationInterface, QueryRunner } from 'typeorm';

// Revoked tokens, by their jti, within the org of the admin who revoked them: a token carrying a jti
// listed for its org is refused from then on (REST and every socket join).
export class RevokedTokens1763885600000 implements MigrationInterface {
  name = 'RevokedTokens1763885600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE revoked_tokens (
        org_id      text        NOT NULL,
        jti         text        NOT NULL,
        revoked_by  text        NOT NULL,
        revoked_at  timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (org_id, jti)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE revoked_tokens`);
  }
}
