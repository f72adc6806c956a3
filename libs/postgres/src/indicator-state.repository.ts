import type { DataSource, EntityManager } from 'typeorm';
import type { EngineSnapshot, IndicatorValue, JourneyRef, JourneySnapshot, ValueRef } from '#libs/indicators';
import type { JourneysWrite, KeysWrite, ProcessorWrite, StoredValue, ValuesWrite } from '#libs/pipeline';
import { decodeJourney, encodeJourney } from './parked-journey-codec';
import { appendToFeed } from './postgres-feed';

export interface Checkpoint {
  offset: number;
  snapshot: EngineSnapshot;
  offsets?: Record<string, number>;
}

// What the indicator processor persists. `save` writes the changed values and, when given, the
// checkpoint and the outbox row in one transaction: after a crash the processor restores the checkpoint and replays the
// log from its offset, rewriting the same value rows (upserts; history keyed by log offset).
export class IndicatorStateRepository {
  constructor(private readonly db: DataSource) {}

  async loadCheckpoint(processor: string): Promise<Checkpoint | undefined> {
    const [row] = await this.db.query<
      { offset: string; snapshot: EngineSnapshot; offsets: Record<string, number> | null }[]
    >(`SELECT "offset", snapshot, offsets FROM processor_checkpoints WHERE processor = $1`, [processor]);
    if (row === undefined) return undefined;
    const checkpoint: Checkpoint = { offset: Number(row.offset), snapshot: row.snapshot };
    if (row.offsets !== null) checkpoint.offsets = row.offsets;
    return checkpoint;
  }

  async save(write: ProcessorWrite): Promise<void> {
    const { processor, offset, changes, checkpoint, outbox } = write;
    await this.db.transaction(async (tx) => {
      await this.writeValues(tx, offset, changes);
      if (outbox !== undefined) await appendToFeed(tx, 'indicator-changes', outbox);
      if (checkpoint !== undefined) {
        await tx.query(
          `INSERT INTO processor_checkpoints (processor, "offset", snapshot, offsets) VALUES ($1, $2, $3, $4)
           ON CONFLICT (processor) DO UPDATE SET "offset" = excluded."offset", snapshot = excluded.snapshot,
             offsets = excluded.offsets, updated_at = now()`,
          [
            processor,
            checkpoint.offset,
            checkpoint.snapshot,
            checkpoint.offsets === undefined ? null : JSON.stringify(checkpoint.offsets),
          ],
        );
        if (checkpoint.keys !== undefined) await this.writeKeys(tx, processor, checkpoint.keys);
        if (checkpoint.journeys !== undefined) await this.writeJourneys(tx, processor, checkpoint.journeys);
        if (checkpoint.values !== undefined) await this.writeValuesParked(tx, processor, checkpoint.values);
      }
    });
  }

  async findKeys(processor: string, keys: readonly string[]): Promise<Map<string, number>> {
    if (keys.length === 0) return new Map();
    const rows = await this.db.query<{ event_key: string; fingerprint: number }[]>(
      `SELECT event_key, fingerprint FROM processed_keys WHERE processor = $1 AND event_key = ANY($2::text[])`,
      [processor, keys],
    );
    return new Map(rows.map((r) => [r.event_key, r.fingerprint]));
  }

  async findJourneys(
    processor: string,
    refs: readonly JourneyRef[],
  ): Promise<{ ref: JourneyRef; journey: Omit<JourneySnapshot, 'key'> }[]> {
    if (refs.length === 0) return [];
    const rows = await this.db.query<{ org_id: string; indicator: string; journey_key: string; journey: string }[]>(
      `SELECT b.org_id, b.indicator, j.journey_key, j.journey
       FROM json_to_recordset($2::json) AS r(org text, indicator text, key text)
       JOIN parked_journey_books b ON b.processor = $1 AND b.org_id = r.org AND b.indicator = r.indicator
       JOIN parked_journeys j ON j.book_id = b.id AND j.journey_key = r.key`,
      [processor, JSON.stringify(refs)], // one JSON parameter: asked on every poll, with every key it names
    );
    return rows.map((r) => ({
      ref: { org: r.org_id, indicator: r.indicator, key: r.journey_key },
      journey: decodeJourney(r.journey),
    }));
  }

  // a row per value and list of tallies it was parked with: a value parked again with others has several
  async findValues(processor: string, refs: readonly ValueRef[]): Promise<StoredValue[]> {
    if (refs.length === 0) return [];
    const rows = await this.db.query<
      { org_id: string; indicator: string; side: ValueRef['side']; value: string; tallies: string[] }[]
    >(
      // the values' rows first (one index probe per value), then their lists
      `WITH named AS MATERIALIZED (
         SELECT r.org, r.indicator, r.side, v.value, v.set_id
         FROM json_to_recordset($2::json) AS r(org text, indicator text, side text, value text)
         JOIN parked_values v ON v.value = r.value)
       SELECT s.org_id, s.indicator, s.side, n.value, s.tallies
       FROM named n JOIN parked_value_sets s ON s.id = n.set_id
        AND s.processor = $1 AND s.org_id = n.org AND s.indicator = n.indicator AND s.side = n.side`,
      [processor, JSON.stringify(refs)], // one JSON parameter: asked on every poll, with every value it names
    );
    return rows.map((r) => ({
      ref: { org: r.org_id, indicator: r.indicator, side: r.side, value: r.value },
      tallies: r.tallies,
    }));
  }

  async forgetProcessor(processor: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.query(`DELETE FROM processed_keys WHERE processor = $1`, [processor]);
      await tx.query(
        `DELETE FROM parked_journeys WHERE book_id = ANY(ARRAY(SELECT id FROM parked_journey_books WHERE processor = $1))`,
        [processor],
      );
      await tx.query(`DELETE FROM parked_journey_books WHERE processor = $1`, [processor]);
      await tx.query(
        `DELETE FROM parked_values WHERE set_id = ANY(ARRAY(SELECT id FROM parked_value_sets WHERE processor = $1))`,
        [processor],
      );
      await tx.query(`DELETE FROM parked_value_sets WHERE processor = $1`, [processor]);
    });
  }

  // The values a checkpoint parked, each under the list of tallies it counts in (parked_value_sets: a
  // list is stored once, distinct and sorted, and the values that share it point to it); then the lists
  // whose tallies have all closed by their org's clock go, and their values with them.
  private async writeValuesParked(tx: EntityManager, processor: string, w: ValuesWrite): Promise<void> {
    if (w.park.length > 0)
      await tx.query(
        `WITH p AS (
           SELECT p.ref->>'org' AS org_id, p.ref->>'indicator' AS indicator, p.ref->>'side' AS side,
                  p.ref->>'value' AS value, p."expiresMs" AS expires_ms, l.tallies
           FROM jsonb_to_recordset($2::jsonb) AS p(ref jsonb, tallies jsonb, "expiresMs" bigint),
             LATERAL (SELECT jsonb_agg(t ORDER BY t) AS tallies
                      FROM (SELECT DISTINCT t COLLATE "C" AS t FROM jsonb_array_elements_text(p.tallies) AS e(t)) d) l),
         sets AS (
           INSERT INTO parked_value_sets (processor, org_id, indicator, side, tallies, expires_ms)
           SELECT $1, org_id, indicator, side, tallies, max(expires_ms) FROM p GROUP BY org_id, indicator, side, tallies
           ON CONFLICT (processor, org_id, indicator, side, sha256(tallies::text::bytea))
           DO UPDATE SET expires_ms = greatest(parked_value_sets.expires_ms, excluded.expires_ms)
           RETURNING id, org_id, indicator, side, tallies)
         INSERT INTO parked_values (value, set_id)
         SELECT p.value, s.id FROM p JOIN sets s USING (org_id, indicator, side, tallies)
         ON CONFLICT DO NOTHING`,
        [processor, JSON.stringify(w.park)],
      );
    if (w.clocks.length > 0)
      await tx.query(
        `WITH gone AS (
           DELETE FROM parked_value_sets s
           USING unnest($2::text[], $3::bigint[]) AS c(org_id, clock_ms)
           WHERE s.processor = $1 AND s.org_id = c.org_id AND s.expires_ms <= c.clock_ms
           RETURNING s.id)
         DELETE FROM parked_values WHERE set_id = ANY(ARRAY(SELECT id FROM gone))`,
        [processor, w.clocks.map((c) => c.org), w.clocks.map((c) => c.clockMs)],
      );
  }

  // The keys a checkpoint parked (upserted: a key parked again replaces its copy), each under its
  // indicator's book in its org (parked_journey_books: the names are stored once) with its journey encoded
  // (parked-journey-codec.ts); then those dropped, and those whose deadline their indicator's clock passed.
  private async writeJourneys(tx: EntityManager, processor: string, w: JourneysWrite): Promise<void> {
    if (w.park.length > 0) {
      const park = JSON.stringify(
        w.park.map((p) => ({ ...p.ref, deadlineMs: p.deadlineMs, journey: encodeJourney(p.journey) })),
      );
      await tx.query(
        // the books not there yet only: an insert that conflicts still takes an id from the sequence
        `INSERT INTO parked_journey_books (processor, org_id, indicator)
         SELECT DISTINCT $1, p.org, p.indicator FROM json_to_recordset($2::json) AS p(org text, indicator text)
         WHERE NOT EXISTS (SELECT FROM parked_journey_books b
                           WHERE b.processor = $1 AND b.org_id = p.org AND b.indicator = p.indicator)
         ON CONFLICT DO NOTHING`,
        [processor, park],
      );
      await tx.query(
        `INSERT INTO parked_journeys (deadline_ms, book_id, journey_key, journey)
         SELECT p."deadlineMs", b.id, p.key, p.journey
         FROM json_to_recordset($2::json) AS p(org text, indicator text, key text, "deadlineMs" bigint, journey text)
         JOIN parked_journey_books b ON b.processor = $1 AND b.org_id = p.org AND b.indicator = p.indicator
         ON CONFLICT (book_id, journey_key) DO UPDATE SET deadline_ms = excluded.deadline_ms, journey = excluded.journey`,
        [processor, park],
      );
    }
    if (w.forget.length > 0)
      await tx.query(
        `DELETE FROM parked_journeys j
         USING unnest($2::text[], $3::text[], $4::text[]) AS r(org_id, indicator, journey_key), parked_journey_books b
         WHERE b.processor = $1 AND b.org_id = r.org_id AND b.indicator = r.indicator
           AND j.book_id = b.id AND j.journey_key = r.journey_key`,
        [processor, w.forget.map((r) => r.org), w.forget.map((r) => r.indicator), w.forget.map((r) => r.key)],
      );
    if (w.clocks.length > 0)
      await tx.query(
        // the books' clocks first: joined in one step, the planner scanned a book's every key for the
        // deadline instead of the index's range up to its clock
        `WITH due AS MATERIALIZED (
           SELECT b.id, c.clock_ms
           FROM unnest($2::text[], $3::text[], $4::bigint[]) AS c(org_id, indicator, clock_ms)
           JOIN parked_journey_books b ON b.processor = $1 AND b.org_id = c.org_id AND b.indicator = c.indicator)
         DELETE FROM parked_journeys j USING due WHERE j.book_id = due.id AND j.deadline_ms <= due.clock_ms`,
        [processor, w.clocks.map((c) => c.org), w.clocks.map((c) => c.indicator), w.clocks.map((c) => c.clockMs)],
      );
  }

  // the keys a checkpoint holds (one JSON parameter, like the values), and those past the horizon gone
  private async writeKeys(tx: EntityManager, processor: string, w: KeysWrite): Promise<void> {
    if (w.keys.length > 0)
      await tx.query(
        `INSERT INTO processed_keys (processor, event_key, org_id, event_day, fingerprint)
         SELECT $1, k.key, k.org, k.day, k.fingerprint
         FROM json_to_recordset($2::json) AS k(key text, org text, day integer, fingerprint integer)
         ON CONFLICT DO NOTHING`,
        [processor, JSON.stringify(w.keys)],
      );
    for (const { org, beforeDay } of w.forget)
      await tx.query(`DELETE FROM processed_keys WHERE processor = $1 AND org_id = $2 AND event_day < $3`, [
        processor,
        org,
        beforeDay,
      ]);
  }

  async latestValues(orgId: string): Promise<IndicatorValue[]> {
    const rows = await this.db.query<ValueRow[]>(
      `SELECT indicator, org_id, level, entity_id, "window", period_start, period_end, value, numerator, denominator
       FROM indicator_values WHERE org_id = $1`,
      [orgId],
    );
    return rows.map(toValue);
  }

  async entities(): Promise<{ orgId: string; level: IndicatorValue['entity']['level']; id: string }[]> {
    return this.db.query(`SELECT DISTINCT org_id AS "orgId", level, entity_id AS id FROM indicator_values`);
  }

  async valuesOf(entities: readonly { orgId: string; level: string; id: string }[]): Promise<IndicatorValue[]> {
    if (entities.length === 0) return [];
    const rows = await this.db.query<ValueRow[]>(
      `SELECT indicator, org_id, level, entity_id, "window", period_start, period_end, value, numerator, denominator
       FROM indicator_values
       WHERE (org_id, level, entity_id) IN (SELECT * FROM unnest($1::text[], $2::text[], $3::text[]))`,
      [entities.map((e) => e.orgId), entities.map((e) => e.level), entities.map((e) => e.id)],
    );
    return rows.map(toValue);
  }

  // One statement, one JSON parameter: Postgres parses the rows (far cheaper than the driver escaping
  // eleven array parameters element by element); the history insert rides along as a CTE.
  private async writeValues(tx: EntityManager, offset: number, changes: readonly IndicatorValue[]): Promise<void> {
    if (changes.length === 0) return;
    const rows = changes.map((v) => [
      v.indicator,
      v.entity.orgId,
      v.entity.level,
      v.entity.id,
      v.window,
      // a rolling window is one row that moves; a calendar period is a row of its own
      v.window.startsWith('rolling:') ? 'rolling' : new Date(v.periodStart).toISOString(),
      v.periodStart, // epoch ms: Postgres converts them cheaper than the driver formats dates
      v.periodEnd,
      v.value,
      v.numerator,
      v.denominator,
    ]);
    await tx.query(
      `WITH v AS (
         SELECT e->>0 AS indicator, e->>1 AS org_id, e->>2 AS level, e->>3 AS entity_id, e->>4 AS "window", e->>5 AS period,
                'epoch'::timestamptz + (e->>6)::bigint * interval '1 ms' AS period_start,
                'epoch'::timestamptz + (e->>7)::bigint * interval '1 ms' AS period_end,
                (e->>8)::float8 AS value,
                (e->>9)::float8 AS numerator, (e->>10)::float8 AS denominator
         FROM json_array_elements($1::json) e),
       history AS (
         INSERT INTO indicator_value_history (indicator, org_id, level, entity_id, "window", period, period_start, value, log_offset)
         SELECT indicator, org_id, level, entity_id, "window", period, period_start, value, $2::bigint FROM v
         ON CONFLICT DO NOTHING)
       INSERT INTO indicator_values (indicator, org_id, level, entity_id, "window", period, period_start, period_end, value, numerator, denominator, log_offset)
       SELECT *, $2::bigint FROM v
       ON CONFLICT (indicator, org_id, level, entity_id, "window", period) DO UPDATE SET
         period_start = excluded.period_start, period_end = excluded.period_end, value = excluded.value, numerator = excluded.numerator,
         denominator = excluded.denominator, log_offset = excluded.log_offset, updated_at = now()`,
      [JSON.stringify(rows), offset],
    );
  }
}

export interface ValueRow {
  indicator: string;
  org_id: string;
  level: IndicatorValue['entity']['level'];
  entity_id: string;
  window: IndicatorValue['window'];
  period_start: Date;
  period_end: Date;
  value: number | null;
  numerator: number | null;
  denominator: number | null;
}

export function toValue(r: ValueRow): IndicatorValue {
  return {
    indicator: r.indicator,
    entity: { level: r.level, id: r.entity_id, orgId: r.org_id },
    window: r.window,
    periodStart: r.period_start.getTime(),
    periodEnd: r.period_end.getTime(),
    value: r.value,
    numerator: r.numerator,
    denominator: r.denominator,
  };
}
