import type { MigrationInterface, QueryRunner } from 'typeorm';
import type { JourneySnapshot } from '#libs/indicators';
import { decodeJourney, encodeJourney } from '../parked-journey-codec';

// Parked keys, dense: a row of parked_journeys was 590 bytes with its indexes (a soak of the demo), its
// processor, org and indicator names repeated in the heap and both indexes and its journey a JSON object
// naming every field. The names move to parked_journey_books, a row per joined indicator of an org (the
// engine's JourneyBook), and a key is a row (book_id, key, deadline, journey) with its journey in the
// compact text of parked-journey-codec.ts. Existing rows are converted, a page at a time.
const PAGE = 5_000;

interface RowByName {
  processor: string;
  org_id: string;
  indicator: string;
  journey_key: string;
  deadline_ms: string;
  journey: Omit<JourneySnapshot, 'key'>;
}

export class ParkedJourneyBooks1763888700000 implements MigrationInterface {
  name = 'ParkedJourneyBooks1763888700000';

  async up(q: QueryRunner): Promise<void> {
    await renameOld(q, 'parked_journeys_by_name');
    await q.query(`
      CREATE TABLE parked_journey_books (
        id        integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        processor text NOT NULL, -- the checkpoint's name
        org_id    text NOT NULL,
        indicator text NOT NULL,
        UNIQUE (processor, org_id, indicator)
      )`);
    await q.query(`
      CREATE TABLE parked_journeys (
        deadline_ms bigint  NOT NULL, -- the indicator clock at which the key is dropped
        book_id     integer NOT NULL, -- its processor, org and indicator (parked_journey_books)
        journey_key text    NOT NULL, -- the join key's value (a ticket id, a lead id)
        journey     text    NOT NULL, -- its events and where it landed (parked-journey-codec.ts)
        PRIMARY KEY (book_id, journey_key)
      )`);
    // the keys whose deadline a book's clock passed
    await q.query(`CREATE INDEX parked_journeys_expiry ON parked_journeys (book_id, deadline_ms)`);
    await q.query(`
      INSERT INTO parked_journey_books (processor, org_id, indicator)
      SELECT DISTINCT processor, org_id, indicator FROM parked_journeys_by_name`);
    for (;;) {
      const rows = (await q.query(
        // a SELECT around the DELETE: TypeORM gives a DELETE's rows with its count
        `WITH page AS (
           DELETE FROM parked_journeys_by_name
           WHERE ctid = ANY(ARRAY(SELECT ctid FROM parked_journeys_by_name LIMIT ${PAGE}))
           RETURNING processor, org_id, indicator, journey_key, deadline_ms, journey)
         SELECT * FROM page`,
      )) as RowByName[];
      if (rows.length === 0) break;
      await q.query(
        `INSERT INTO parked_journeys (deadline_ms, book_id, journey_key, journey)
         SELECT r.deadline_ms, b.id, r.journey_key, r.journey
         FROM json_to_recordset($1::json) AS r(processor text, org_id text, indicator text, journey_key text,
                                               deadline_ms bigint, journey text)
         JOIN parked_journey_books b USING (processor, org_id, indicator)`,
        [JSON.stringify(rows.map((r) => ({ ...r, journey: encodeJourney(r.journey) })))],
      );
    }
    await q.query(`DROP TABLE parked_journeys_by_name`);
  }

  async down(q: QueryRunner): Promise<void> {
    await renameOld(q, 'parked_journeys_by_book');
    await q.query(`
      CREATE TABLE parked_journeys (
        processor    text   NOT NULL,
        org_id       text   NOT NULL,
        indicator    text   NOT NULL,
        journey_key  text   NOT NULL,
        deadline_ms  bigint NOT NULL,
        journey      jsonb  NOT NULL,
        PRIMARY KEY (processor, org_id, indicator, journey_key)
      )`);
    await q.query(`CREATE INDEX parked_journeys_expiry ON parked_journeys (processor, org_id, indicator, deadline_ms)`);
    for (;;) {
      const rows = (await q.query(
        // a SELECT around the DELETE: TypeORM gives a DELETE's rows with its count
        `WITH page AS (
           DELETE FROM parked_journeys_by_book
           WHERE ctid = ANY(ARRAY(SELECT ctid FROM parked_journeys_by_book LIMIT ${PAGE}))
           RETURNING book_id, journey_key, deadline_ms, journey)
         SELECT * FROM page`,
      )) as { book_id: number; journey_key: string; deadline_ms: string; journey: string }[];
      if (rows.length === 0) break;
      await q.query(
        `INSERT INTO parked_journeys (processor, org_id, indicator, journey_key, deadline_ms, journey)
         SELECT b.processor, b.org_id, b.indicator, r.journey_key, r.deadline_ms, r.journey
         FROM json_to_recordset($1::json) AS r(book_id integer, journey_key text, deadline_ms bigint, journey jsonb)
         JOIN parked_journey_books b ON b.id = r.book_id`,
        [JSON.stringify(rows.map((r) => ({ ...r, journey: decodeJourney(r.journey) })))],
      );
    }
    await q.query(`DROP TABLE parked_journeys_by_book`);
    await q.query(`DROP TABLE parked_journey_books`);
  }
}

// the table being converted steps aside, with its indexes, for the new one to take their names
async function renameOld(q: QueryRunner, name: string): Promise<void> {
  await q.query(`ALTER TABLE parked_journeys RENAME TO ${name}`);
  await q.query(`ALTER INDEX parked_journeys_pkey RENAME TO ${name}_pkey`);
  await q.query(`ALTER INDEX parked_journeys_expiry RENAME TO ${name}_expiry`);
}
