import type { MigrationInterface, QueryRunner } from 'typeorm';

// Keys of lifecycle and conversion indicators a processor moved out of memory (libs/pipeline
// ParkedJourneys): quiet keys, written with its checkpoint in one transaction, looked up before a
// batch that names them, forgotten once the indicator's clock passes their deadline.
export class ParkedJourneys1763887700000 implements MigrationInterface {
  name = 'ParkedJourneys1763887700000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE parked_journeys (
        processor    text   NOT NULL, -- the checkpoint's name
        org_id       text   NOT NULL,
        indicator    text   NOT NULL,
        journey_key  text   NOT NULL, -- the join key's value (a ticket id, a lead id)
        deadline_ms  bigint NOT NULL, -- the indicator clock at which the key is dropped
        journey      jsonb  NOT NULL, -- its events and where it landed (JourneySnapshot without the key)
        PRIMARY KEY (processor, org_id, indicator, journey_key)
      )`);
    await q.query(`CREATE INDEX parked_journeys_expiry ON parked_journeys (processor, org_id, indicator, deadline_ms)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE parked_journeys`);
  }
}
