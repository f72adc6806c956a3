import type { MigrationInterface, QueryRunner } from 'typeorm';

// Published KPI definitions: every version kept, with who published it, when and why (the audit trail).
export class DefinitionVersions1763885100000 implements MigrationInterface {
  name = 'DefinitionVersions1763885100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE definition_versions (
        version      serial      PRIMARY KEY,
        published_at timestamptz NOT NULL DEFAULT now(),
        published_by text        NOT NULL,
        note         text,
        source       text        NOT NULL, -- the KPI-as-code text as published (YAML or JSON)
        summary      jsonb       NOT NULL  -- scorecard ids and versions in it
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE definition_versions`);
  }
}
