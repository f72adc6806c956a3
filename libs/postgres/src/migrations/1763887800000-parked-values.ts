import type { MigrationInterface, QueryRunner } from 'typeorm';

// Values of distinct sets of calendar periods longer than a day a processor moved out of memory
// (libs/pipeline ParkedValues): written with its checkpoint in one transaction, each with the tallies it
// counts in, looked up before a batch that names it, forgotten once its org's clock has closed them all.
export class ParkedValues1763887800000 implements MigrationInterface {
  name = 'ParkedValues1763887800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE parked_values (
        processor   text   NOT NULL, -- the checkpoint's name
        org_id      text   NOT NULL,
        indicator   text   NOT NULL,
        side        text   NOT NULL CHECK (side IN ('num', 'den')), -- numerator or denominator
        value       text   NOT NULL, -- the distinct value (a ticket id, a visitor, an agent and day)
        tallies     jsonb  NOT NULL, -- the tallies it counts in: "level|entity|window|period start ms"
        expires_ms  bigint NOT NULL, -- the org clock at which the last of them has closed
        PRIMARY KEY (processor, org_id, indicator, side, value)
      )`);
    await q.query(`CREATE INDEX parked_values_expiry ON parked_values (processor, org_id, expires_ms)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE parked_values`);
  }
}
