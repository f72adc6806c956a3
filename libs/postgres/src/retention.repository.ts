import type { DataSource } from 'typeorm';
import type { PruneBatch, PruneResult, RetentionStore } from '#libs/pipeline';

// The SQL of retention (docs/retention.md): one statement per batch, each its own short transaction that
// locks only the rows it deletes. Rows are picked through an index (appended_at, received_at, created_at,
// recorded_at, resolved_at), oldest first, so a batch never scans a whole table.
export class RetentionRepository implements RetentionStore {
  constructor(private readonly db: DataSource) {}

  async prune(batch: PruneBatch): Promise<PruneResult> {
    const { before, limit } = batch;
    switch (batch.target) {
      case 'event-log':
        // only what every consumer has committed and every log checkpoint has passed (a restart replays
        // from its checkpoint); no consumer or no checkpoint yet: nothing. Over Kafka the table is unused.
        return this.deleted(
          `DELETE FROM event_log WHERE "offset" = ANY(ARRAY(
             SELECT "offset" FROM event_log
             WHERE appended_at < $1
               AND "offset" <= (SELECT min("offset") FROM consumer_offsets)
               AND "offset" <= (SELECT min("offset") FROM processor_checkpoints WHERE offsets IS NULL)
             ORDER BY appended_at LIMIT $2))`,
          [before, limit],
        );
      case 'dead-letters':
        return this.deleted(
          `DELETE FROM rejected_events WHERE id = ANY(ARRAY(
             SELECT id FROM rejected_events WHERE received_at < $1 ORDER BY received_at LIMIT $2))`,
          [before, limit],
        );
      case 'feed':
        return this.pruneFeed(before, limit);
      case 'indicator-history':
        // a version goes when the next version of its value (indicator, entity, window, period) was
        // recorded in the same step: each step keeps its last version, each value its latest
        return this.thinned(
          `DELETE FROM indicator_value_history WHERE ctid = ANY(ARRAY(
             SELECT h.ctid FROM indicator_value_history h
             CROSS JOIN LATERAL (
               SELECT n.recorded_at FROM indicator_value_history n
               WHERE n.indicator = h.indicator AND n.org_id = h.org_id AND n.level = h.level
                 AND n.entity_id = h.entity_id AND n."window" = h."window" AND n.period = h.period
                 AND n.log_offset > h.log_offset
               ORDER BY n.log_offset LIMIT 1) next
             WHERE h.recorded_at < $1 AND ($2::timestamptz IS NULL OR h.recorded_at >= $2)
               AND ($3::float8 IS NULL OR ${sameStep('h', 'next')})
             ORDER BY h.recorded_at LIMIT $4))
           RETURNING recorded_at`,
          [before, batch.after ?? null, stepSeconds(batch), limit],
        );
      case 'scorecard-history':
        // the same for cards: the next version of a card (scorecard, entity, period) by id
        return this.thinned(
          `DELETE FROM scorecard_history WHERE id = ANY(ARRAY(
             SELECT h.id FROM scorecard_history h
             CROSS JOIN LATERAL (
               SELECT n.recorded_at FROM scorecard_history n
               WHERE n.scorecard = h.scorecard AND n.org_id = h.org_id AND n.level = h.level
                 AND n.entity_id = h.entity_id AND n.period_start = h.period_start AND n.id > h.id
               ORDER BY n.id LIMIT 1) next
             WHERE h.recorded_at < $1 AND ($2::timestamptz IS NULL OR h.recorded_at >= $2)
               AND ($3::float8 IS NULL OR ${sameStep('h', 'next')})
             ORDER BY h.recorded_at LIMIT $4))
           RETURNING recorded_at`,
          [before, batch.after ?? null, stepSeconds(batch), limit],
        );
      case 'breaches':
        // resolved ones only
        return this.deleted(
          `DELETE FROM red_line_breaches WHERE id = ANY(ARRAY(
             SELECT id FROM red_line_breaches WHERE resolved_at < $1 ORDER BY resolved_at LIMIT $2))`,
          [before, limit],
        );
      case 'webhook-payloads':
        // a replay reaches back this far, and a mapping's history (docs/connectors.md)
        return this.deleted(
          `DELETE FROM webhook_payloads WHERE id = ANY(ARRAY(
             SELECT id FROM webhook_payloads WHERE received_at < $1 ORDER BY received_at LIMIT $2))`,
          [before, limit],
        );
      case 'revoked-tokens':
        // a revocation outlives every token it can name by the longest lifetime a token may have
        return this.deleted(
          `DELETE FROM revoked_tokens WHERE (org_id, jti) IN (
             SELECT org_id, jti FROM revoked_tokens WHERE revoked_at < $1 ORDER BY revoked_at LIMIT $2)`,
          [before, limit],
        );
      case 'deliveries':
        // delivered and failed alert deliveries, by their last change; a pending one never
        return this.deleted(
          `DELETE FROM alert_deliveries WHERE id = ANY(ARRAY(
             SELECT id FROM alert_deliveries WHERE status <> 'pending' AND updated_at < $1
             ORDER BY updated_at LIMIT $2))`,
          [before, limit],
        );
    }
  }

  // Feed rows older than `before` that every live reader of their topic has read. A reader not seen
  // since `before` is gone (most start at the topic's end; one that resumes, down that long, does too).
  private async pruneFeed(before: Date, limit: number): Promise<PruneResult> {
    await this.db.query(`DELETE FROM feed_readers WHERE seen_at < $1`, [before]);
    return this.deleted(
      `DELETE FROM feed WHERE id = ANY(ARRAY(
         SELECT f.id FROM feed f
         WHERE f.created_at < $1
           AND NOT EXISTS (SELECT 1 FROM feed_readers r WHERE r.topic = f.topic AND r.position < f.id)
         ORDER BY f.created_at LIMIT $2))`,
      [before, limit],
    );
  }

  private async deleted(sql: string, params: unknown[]): Promise<PruneResult> {
    const [, deleted] = await this.db.query<[unknown[], number]>(sql, params);
    return { deleted };
  }

  // a history batch: how many versions went, and the newest one's time (where the next batch starts)
  private async thinned(deleteSql: string, params: unknown[]): Promise<PruneResult> {
    const [row] = await this.db.query<{ deleted: number; reached: Date | null }[]>(
      `WITH gone AS (${deleteSql}) SELECT count(*)::int AS deleted, max(recorded_at) AS reached FROM gone`,
      params,
    );
    const deleted = row?.deleted ?? 0;
    return row?.reached === undefined || row.reached === null ? { deleted } : { deleted, reached: row.reached };
  }
}

const stepSeconds = (batch: PruneBatch): number | null => (batch.stepMs === undefined ? null : batch.stepMs / 1000);

// the two versions fall in the same step (steps counted from the epoch: a 1 h step is a clock hour)
const sameStep = (a: string, b: string): string =>
  `floor(extract(epoch FROM ${a}.recorded_at) / $3) = floor(extract(epoch FROM ${b}.recorded_at) / $3)`;
