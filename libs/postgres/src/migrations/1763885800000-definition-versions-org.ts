import type { MigrationInterface, QueryRunner } from 'typeorm';

// Published definitions belong to an org: a version applies to its org only. NULL is a platform
// default, for every org without a version of its own (the rows published before versions had an org).
export class DefinitionVersionsOrg1763885800000 implements MigrationInterface {
  name = 'DefinitionVersionsOrg1763885800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE definition_versions ADD COLUMN org_id text`);
    // an org's newest version, and the newest platform default (org_id IS NULL)
    await q.query(`CREATE INDEX definition_versions_org ON definition_versions (org_id, version DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX definition_versions_org`);
    await q.query(`ALTER TABLE definition_versions DROP COLUMN org_id`);
  }
}
