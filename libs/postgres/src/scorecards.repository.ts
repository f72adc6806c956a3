import type { DataSource } from 'typeorm';
import type { EntityRef } from '#libs/indicators';
import type { ScorecardStore, ScoredBatch, ScoredCard, StoredScoredCard } from '#libs/pipeline';
import { appendToFeed } from './postgres-feed';

export interface StoredCard extends ScoredCard {
  updatedAt: Date;
}

export interface HistoryPoint {
  periodStart: Date;
  total: number | null;
  grade: string | null;
  recordedAt: Date;
  actuals: Record<string, number | null>; // by KPI id
}

// Latest scorecards per (scorecard, entity, period), their history, and red-line breaches opened when
// a red line is crossed and resolved when it no longer is.
export class ScorecardsRepository implements ScorecardStore {
  constructor(private readonly db: DataSource) {}

  // All cards in one transaction and a handful of statements, whatever their number; with `outbox`,
  // the feed row announcing them to the gateways in the same one.
  async save(cards: readonly ScoredCard[], outbox: { updates?: ScoredBatch } = {}): Promise<void> {
    if (cards.length === 0) return;
    const col = <T>(f: (c: ScoredCard) => T): T[] => cards.map(f);
    const keys = [
      col((c) => c.score.scorecard),
      col((c) => c.entity.orgId),
      col((c) => c.entity.level),
      col((c) => c.entity.id),
      col((c) => new Date(c.periodStart).toISOString()),
    ];
    const hits = cards.flatMap((c, i) => c.score.redLines.map((h) => ({ i, kpi: h.kpi, effect: h.effect })));
    await this.db.transaction(async (tx) => {
      // the cards as one JSON parameter, parsed by Postgres; the history insert rides along as a CTE
      await tx.query(
        `WITH c AS (
           SELECT e->>0 AS scorecard, e->>1 AS org_id, e->>2 AS level, e->>3 AS entity_id, (e->>4)::timestamptz AS period_start,
                  (e->>5)::int AS version, (e->>6)::timestamptz AS period_end, (e->>7)::float8 AS total, e->>8 AS grade,
                  (e->9)::jsonb AS card
           FROM json_array_elements($1::json) e),
         history AS (
           INSERT INTO scorecard_history (scorecard, org_id, level, entity_id, period_start, total, grade, actuals,
             scored_at, kpis, dimensions)
           SELECT scorecard, org_id, level, entity_id, period_start, total, grade,
             (SELECT jsonb_object_agg(k->>'kpi', k->'actual') FROM jsonb_array_elements(card->'score'->'kpis') k),
             to_timestamp((card->>'scoredAt')::float8 / 1000),
             (SELECT jsonb_agg(jsonb_build_object('kpi', k->'kpi', 'dimension', k->'dimension', 'actual', k->'actual',
                'target', k->'target', 'score', k->'score', 'status', k->'status', 'redLine', k->'redLine'))
              FROM jsonb_array_elements(card->'score'->'kpis') k),
             (SELECT jsonb_agg(jsonb_build_object('dimension', d->'dimension', 'score', d->'score', 'weight', d->'weight'))
              FROM jsonb_array_elements(card->'score'->'dimensions') d)
           FROM c)
         INSERT INTO scorecards (scorecard, org_id, level, entity_id, period_start, version, period_end, total, grade, card)
         SELECT * FROM c
         ON CONFLICT (scorecard, org_id, level, entity_id, period_start) DO UPDATE SET version = excluded.version,
           period_end = excluded.period_end, total = excluded.total, grade = excluded.grade, card = excluded.card, updated_at = now()`,
        [
          JSON.stringify(
            cards.map((c, i) => [
              ...keys.map((k) => k[i]),
              c.score.version,
              new Date(c.periodEnd).toISOString(),
              c.score.total,
              c.score.grade,
              c,
            ]),
          ),
        ],
      );
      // a breach stays open while its red line holds, and is resolved when the card no longer shows it; each
      // keeps the wall clock and the card's event-time clock of both
      const scoredAt = col((c) => new Date(c.scoredAt).toISOString());
      await tx.query(
        `UPDATE red_line_breaches b SET resolved_at = now(), resolved_scored_at = c.scored_at
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $13::timestamptz[])
           AS c(scorecard, org_id, level, entity_id, period_start, scored_at)
         WHERE b.resolved_at IS NULL AND b.scorecard = c.scorecard AND b.org_id = c.org_id AND b.level = c.level
           AND b.entity_id = c.entity_id AND b.period_start = c.period_start
           AND (b.scorecard, b.org_id, b.level, b.entity_id, b.period_start, b.kpi, b.effect) NOT IN (
             SELECT * FROM unnest($6::text[], $7::text[], $8::text[], $9::text[], $10::timestamptz[], $11::text[], $12::text[]))`,
        [
          ...keys,
          ...keys.map((k) => hits.map((h) => k[h.i])),
          hits.map((h) => h.kpi),
          hits.map((h) => h.effect),
          scoredAt,
        ],
      );
      if (hits.length > 0)
        await tx.query(
          `INSERT INTO red_line_breaches (scorecard, org_id, level, entity_id, period_start, kpi, effect, opened_scored_at)
           SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::text[], $7::text[],
             $8::timestamptz[])
           ON CONFLICT DO NOTHING`,
          [
            ...keys.map((k) => hits.map((h) => k[h.i])),
            hits.map((h) => h.kpi),
            hits.map((h) => h.effect),
            hits.map((h) => scoredAt[h.i]),
          ],
        );
      if (outbox.updates !== undefined) await appendToFeed(tx, 'scorecard-updates', outbox.updates);
    });
  }

  // the latest period's scorecards of an entity, as stored (older rows lack fields: completeStoredCard)
  async latestFor(entity: EntityRef): Promise<StoredScoredCard[]> {
    const rows = await this.db.query<{ card: StoredScoredCard }[]>(
      `SELECT DISTINCT ON (scorecard) card FROM scorecards
       WHERE org_id = $1 AND level = $2 AND entity_id = $3 ORDER BY scorecard, period_start DESC`,
      [entity.orgId, entity.level, entity.id],
    );
    return rows.map((r) => r.card);
  }

  // each scorecard's card of the period before its latest one, for an entity: what a page compares with
  async previousFor(entity: EntityRef): Promise<StoredScoredCard[]> {
    const rows = await this.db.query<{ card: StoredScoredCard }[]>(
      `SELECT DISTINCT ON (s.scorecard) s.card FROM scorecards s
       JOIN (SELECT scorecard, max(period_start) AS latest FROM scorecards
             WHERE org_id = $1 AND level = $2 AND entity_id = $3 GROUP BY scorecard) l
         ON l.scorecard = s.scorecard AND s.period_start < l.latest
       WHERE s.org_id = $1 AND s.level = $2 AND s.entity_id = $3
       ORDER BY s.scorecard, s.period_start DESC`,
      [entity.orgId, entity.level, entity.id],
    );
    return rows.map((r) => r.card);
  }

  // the latest period's scorecards of an org's entities at these levels (all of them, or those ids)
  async latestIn(orgId: string, levels: readonly string[], ids?: readonly string[]): Promise<StoredScoredCard[]> {
    const rows = await this.db.query<{ card: StoredScoredCard }[]>(
      `SELECT DISTINCT ON (level, entity_id, scorecard) card FROM scorecards
       WHERE org_id = $1 AND level = ANY($2) AND ($3::text[] IS NULL OR entity_id = ANY($3))
       ORDER BY level, entity_id, scorecard, period_start DESC`,
      [orgId, levels, ids ?? null],
    );
    return rows.map((r) => r.card);
  }

  // total, grade and each KPI's actual over time, for one scorecard of one entity
  async history(scorecard: string, entity: EntityRef, limit: number): Promise<HistoryPoint[]> {
    return this.db.query(
      `SELECT period_start AS "periodStart", total, grade, recorded_at AS "recordedAt", coalesce(actuals, '{}') AS actuals
       FROM scorecard_history
       WHERE scorecard = $1 AND org_id = $2 AND level = $3 AND entity_id = $4 ORDER BY id DESC LIMIT $5`,
      [scorecard, entity.orgId, entity.level, entity.id, limit],
    );
  }

  async openBreaches(orgId: string): Promise<{ scorecard: string; kpi: string; effect: string; entityId: string }[]> {
    return this.db.query(
      `SELECT scorecard, kpi, effect, entity_id AS "entityId" FROM red_line_breaches WHERE org_id = $1 AND resolved_at IS NULL`,
      [orgId],
    );
  }
}
