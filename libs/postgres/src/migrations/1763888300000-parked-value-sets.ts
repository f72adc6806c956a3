import type { MigrationInterface, QueryRunner } from 'typeorm';

// Parked values, dense: a row of parked_values was 490 bytes with its indexes, 270 of them the list of
// tallies the value counts in, which the values of one indicator, side and agent share (a soak of the demo
// parked 6,618 values with 255 distinct lists). The lists move to parked_value_sets, one row per distinct
// list with its expiry; a value is a row (value, set_id), about 100 bytes with its indexes. A value parked
// again with other tallies gets a row per list: it counts in the union. Existing rows are converted.
export class ParkedValueSets1763888300000 implements MigrationInterface {
  name = 'ParkedValueSets1763888300000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE parked_values RENAME TO parked_values_by_value`);
    await q.query(`ALTER INDEX parked_values_pkey RENAME TO parked_values_by_value_pkey`);
    await q.query(`ALTER INDEX parked_values_expiry RENAME TO parked_values_by_value_expiry`);
    await q.query(`
      CREATE TABLE parked_value_sets (
        id         integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        processor  text   NOT NULL, -- the checkpoint's name
        org_id     text   NOT NULL,
        indicator  text   NOT NULL,
        side       text   NOT NULL CHECK (side IN ('num', 'den')), -- numerator or denominator
        tallies    jsonb  NOT NULL, -- "level|entity|window|period start ms", distinct and sorted (collation C)
        expires_ms bigint NOT NULL  -- the org clock at which the last of them has closed
      )`);
    // one row per list: its hash, since a list may outgrow what a btree entry holds
    await q.query(`
      CREATE UNIQUE INDEX parked_value_sets_list
      ON parked_value_sets (processor, org_id, indicator, side, sha256(tallies::text::bytea))`);
    await q.query(`CREATE INDEX parked_value_sets_expiry ON parked_value_sets (processor, org_id, expires_ms)`);
    await q.query(`
      CREATE TABLE parked_values (
        value  text    NOT NULL, -- the distinct value (a ticket id, a visitor, an agent and day)
        set_id integer NOT NULL, -- the tallies it counts in (parked_value_sets)
        PRIMARY KEY (value, set_id)
      )`);
    // the values of the sets that expire (few distinct ids: btree deduplication keeps it small)
    await q.query(`CREATE INDEX parked_values_set ON parked_values (set_id)`);
    await q.query(`
      INSERT INTO parked_value_sets (processor, org_id, indicator, side, tallies, expires_ms)
      SELECT processor, org_id, indicator, side, l.tallies, max(expires_ms)
      FROM parked_values_by_value v,
        LATERAL (SELECT jsonb_agg(t ORDER BY t) AS tallies
                 FROM (SELECT DISTINCT t COLLATE "C" AS t FROM jsonb_array_elements_text(v.tallies) AS e(t)) d) l
      GROUP BY processor, org_id, indicator, side, l.tallies`);
    await q.query(`
      INSERT INTO parked_values (value, set_id)
      SELECT v.value, s.id
      FROM parked_values_by_value v
      CROSS JOIN LATERAL (SELECT jsonb_agg(t ORDER BY t) AS tallies
                 FROM (SELECT DISTINCT t COLLATE "C" AS t FROM jsonb_array_elements_text(v.tallies) AS e(t)) d) l
      JOIN parked_value_sets s
        ON s.processor = v.processor AND s.org_id = v.org_id AND s.indicator = v.indicator AND s.side = v.side
       AND s.tallies = l.tallies`);
    await q.query(`DROP TABLE parked_values_by_value`);
  }

  // back to a row per value: the union of its sets' tallies, the latest expiry
  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE parked_values RENAME TO parked_values_by_set`);
    await q.query(`ALTER INDEX parked_values_pkey RENAME TO parked_values_by_set_pkey`);
    await q.query(`
      CREATE TABLE parked_values (
        processor   text   NOT NULL,
        org_id      text   NOT NULL,
        indicator   text   NOT NULL,
        side        text   NOT NULL CHECK (side IN ('num', 'den')),
        value       text   NOT NULL,
        tallies     jsonb  NOT NULL,
        expires_ms  bigint NOT NULL,
        PRIMARY KEY (processor, org_id, indicator, side, value)
      )`);
    await q.query(`CREATE INDEX parked_values_expiry ON parked_values (processor, org_id, expires_ms)`);
    await q.query(`
      INSERT INTO parked_values (processor, org_id, indicator, side, value, tallies, expires_ms)
      SELECT s.processor, s.org_id, s.indicator, s.side, v.value,
        (SELECT jsonb_agg(DISTINCT t) FROM parked_value_sets s2, jsonb_array_elements(s2.tallies) t
         WHERE s2.id = ANY(array_agg(s.id))),
        max(s.expires_ms)
      FROM parked_values_by_set v JOIN parked_value_sets s ON s.id = v.set_id
      GROUP BY s.processor, s.org_id, s.indicator, s.side, v.value`);
    await q.query(`DROP TABLE parked_values_by_set`);
    await q.query(`DROP TABLE parked_value_sets`);
  }
}
