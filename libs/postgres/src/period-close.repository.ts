import type { DataSource, EntityManager } from 'typeorm';
import type { FrozenContent, PeriodClosing, PeriodOutcome, PeriodResult, PersonOutcome } from '#libs/close';
import type { EntityRef } from '#libs/indicators';
import type { CloseStore, ClosedPeriodKey, NewRestatement, StoredFrozen } from '#libs/pipeline';

export interface ClosedPeriodRow {
  scorecard: string;
  orgId: string;
  periodStart: string; // ISO
  periodEnd: string;
  version: number;
  graceMs: number;
  logPosition: number | null;
  closedAt: string;
  outcome: Omit<PeriodOutcome, 'people'>;
}

export interface FinalGrade {
  grade: string;
  coefficient: number | null;
  decidedBy: string;
  role: string;
  reason: string;
  decidedAt: string;
}

export interface RestatementRow {
  id: string;
  scorecard: string;
  orgId: string;
  entity: EntityRef;
  periodStart: string;
  beforeHash: string;
  afterHash: string;
  after: FrozenContent;
  diff: { path: string; before: unknown; after: unknown }[];
  logFrom: number | null;
  logTo: number | null;
  changed: unknown[];
  detectedAt: string;
  status: 'pending' | 'approved' | 'dismissed';
  decidedBy: string | null;
  reason: string | null;
  decidedAt: string | null;
}

// A frozen scorecard as a review reads it: the frozen content and hash, never changed; the result in
// effect (the latest approved restatement's, else the frozen one); the person's outcome at close; the
// final grade where a manager or admin decided one.
export interface FrozenScorecard {
  content: FrozenContent;
  hash: string;
  outcome: PersonOutcome;
  effective: { content: FrozenContent; hash: string; restatement: string | null };
  pendingRestatements: number;
  finalGrade: FinalGrade | null;
}

export interface AuditEntry {
  id: string;
  at: string;
  actor: string;
  action: string;
  scorecard: string;
  periodStart: string;
  entityId: string | null;
  detail: unknown;
}

export type RestatementDecision = 'approved' | 'dismissed';

interface FrozenRow {
  content: FrozenContent;
  hash: string;
  outcome: PersonOutcome;
  effective: FrozenContent | null;
  effective_hash: string | null;
  effective_id: string | null;
  pending: number;
  final: FinalGrade | null;
}

const iso = (ms: number) => new Date(ms).toISOString();

// Closed periods and their frozen scorecards, restatements and final grades (migration 1763887900000):
// rows are only ever inserted. The review pack reads a closed period's cards per team with the previous
// closed period's beside them (reviewPeriod).
export class PeriodCloseRepository implements CloseStore {
  constructor(private readonly db: DataSource) {}

  async closedStarts(key: { scorecard: string; orgId: string }, starts: readonly number[]): Promise<Set<number>> {
    const rows = await this.db.query<{ start: Date }[]>(
      `SELECT period_start AS start FROM closed_periods
       WHERE scorecard = $1 AND org_id = $2 AND period_start = ANY($3::timestamptz[])`,
      [key.scorecard, key.orgId, starts.map(iso)],
    );
    return new Set(rows.map((r) => r.start.getTime()));
  }

  async populationOf(key: ClosedPeriodKey): Promise<EntityRef[]> {
    const rows = await this.db.query<{ level: EntityRef['level']; id: string }[]>(
      `SELECT level, entity_id AS id FROM scorecards WHERE scorecard = $1 AND org_id = $2 AND period_start = $3`,
      [key.scorecard, key.orgId, iso(key.periodStart)],
    );
    return rows.map((r) => ({ level: r.level, id: r.id, orgId: key.orgId }));
  }

  async earlierResults(
    key: { scorecard: string; orgId: string },
    before: number,
    count: number,
  ): Promise<Map<string, PeriodResult[]>> {
    const out = new Map<string, PeriodResult[]>();
    if (count === 0) return out;
    const rows = await this.db.query<
      { entityId: string; start: Date; end: string; total: number | null; grade: string | null }[]
    >(
      `SELECT f.entity_id AS "entityId", f.period_start AS start, f.content->>'periodEnd' AS end, f.total,
              coalesce((SELECT g.grade FROM final_grades g WHERE g.scorecard = f.scorecard AND g.org_id = f.org_id
                          AND g.level = f.level AND g.entity_id = f.entity_id AND g.period_start = f.period_start
                        ORDER BY g.id DESC LIMIT 1), f.grade) AS grade
       FROM frozen_scorecards f
       WHERE f.scorecard = $1 AND f.org_id = $2 AND f.period_start IN (
         SELECT period_start FROM closed_periods WHERE scorecard = $1 AND org_id = $2 AND period_start < $3
         ORDER BY period_start DESC LIMIT $4)
       ORDER BY f.entity_id, f.period_start`,
      [key.scorecard, key.orgId, iso(before), count],
    );
    for (const r of rows) {
      const list = out.get(r.entityId) ?? [];
      list.push({ periodStart: r.start.toISOString(), periodEnd: r.end, total: r.total, grade: r.grade });
      out.set(r.entityId, list);
    }
    return out;
  }

  async close(closing: PeriodClosing, actor: string): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const inserted = await tx.query<unknown[]>(
        `INSERT INTO closed_periods (scorecard, org_id, period_start, period_end, version, grace_ms, log_position, outcome)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING RETURNING 1`,
        [
          closing.scorecard,
          closing.orgId,
          iso(closing.periodStart),
          iso(closing.periodEnd),
          closing.version,
          closing.graceMs,
          closing.logPosition,
          JSON.stringify(closing.outcome),
        ],
      );
      if (inserted.length === 0) return false;
      await tx.query(
        `INSERT INTO frozen_scorecards (scorecard, org_id, level, entity_id, period_start, total, grade, content, content_hash, outcome)
         SELECT $1, $2, e->>'level', e->>'id', $3, (e->>'total')::float8, e->>'grade', e->'content', e->>'hash', e->'outcome'
         FROM jsonb_array_elements($4::jsonb) e`,
        [
          closing.scorecard,
          closing.orgId,
          iso(closing.periodStart),
          JSON.stringify(
            closing.cards.map(({ frozen, outcome }) => ({
              level: frozen.content.entity.level,
              id: frozen.content.entity.id,
              total: frozen.content.total,
              grade: frozen.content.grade,
              content: frozen.content,
              hash: frozen.hash,
              outcome,
            })),
          ),
        ],
      );
      await audit(tx, closing.orgId, actor, 'closed', closing.scorecard, closing.periodStart, null, {
        cards: closing.cards.length,
        version: closing.version,
        graceMs: closing.graceMs,
        logPosition: closing.logPosition,
        calibrationViolated: closing.outcome.calibration?.violated ?? null,
      });
      return true;
    });
  }

  async frozenOf(
    cards: readonly { scorecard: string; entity: EntityRef; periodStart: number }[],
  ): Promise<StoredFrozen[]> {
    if (cards.length === 0) return [];
    const rows = await this.db.query<
      {
        orgId: string;
        level: EntityRef['level'];
        id: string;
        start: Date;
        content: FrozenContent;
        hash: string;
        logPosition: string | null;
        restated: string[];
      }[]
    >(
      `SELECT f.org_id AS "orgId", f.level, f.entity_id AS id, f.period_start AS start, f.content, f.content_hash AS hash,
              p.log_position AS "logPosition",
              coalesce((SELECT array_agg(r.after_hash) FROM restatements r WHERE r.scorecard = f.scorecard AND r.org_id = f.org_id
                AND r.level = f.level AND r.entity_id = f.entity_id AND r.period_start = f.period_start), '{}') AS restated
       FROM jsonb_to_recordset($1::jsonb) AS k(scorecard text, org_id text, level text, entity_id text, period_start timestamptz)
       JOIN frozen_scorecards f USING (scorecard, org_id, level, entity_id, period_start)
       JOIN closed_periods p USING (scorecard, org_id, period_start)`,
      [
        JSON.stringify(
          cards.map((c) => ({
            scorecard: c.scorecard,
            org_id: c.entity.orgId,
            level: c.entity.level,
            entity_id: c.entity.id,
            period_start: iso(c.periodStart),
          })),
        ),
      ],
    );
    return rows.map((r) => ({
      entity: { level: r.level, id: r.id, orgId: r.orgId },
      periodStart: r.start.getTime(),
      content: r.content,
      hash: r.hash,
      logPosition: r.logPosition === null ? null : Number(r.logPosition),
      restatedHashes: r.restated,
    }));
  }

  async restate(restatements: readonly NewRestatement[], actor: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      for (const r of restatements) {
        const rows = await tx.query<{ id: string }[]>(
          `INSERT INTO restatements (scorecard, org_id, level, entity_id, period_start, before_hash, after_hash, after, diff, log_from, log_to, changed)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT DO NOTHING RETURNING id`,
          [
            r.scorecard,
            r.entity.orgId,
            r.entity.level,
            r.entity.id,
            iso(r.periodStart),
            r.beforeHash,
            r.after.hash,
            JSON.stringify(r.after.content),
            JSON.stringify(r.diff),
            r.logFrom,
            r.logTo,
            JSON.stringify(r.changed),
          ],
        );
        const id = rows[0]?.id;
        if (id !== undefined)
          await audit(tx, r.entity.orgId, actor, 'restated', r.scorecard, r.periodStart, r.entity.id, {
            restatement: id,
            beforeHash: r.beforeHash,
            afterHash: r.after.hash,
            diff: r.diff,
          });
      }
    });
  }

  // ---- the review and close API (REST, the review pack)

  // an org's closed periods, newest first (one scorecard, or all)
  async closedPeriods(orgId: string, scorecard: string | null, limit: number): Promise<ClosedPeriodRow[]> {
    const rows = await this.db.query<
      (Omit<ClosedPeriodRow, 'periodStart' | 'periodEnd' | 'closedAt' | 'graceMs' | 'logPosition'> & {
        periodStart: Date;
        periodEnd: Date;
        closedAt: Date;
        graceMs: string;
        logPosition: string | null;
      })[]
    >(
      `SELECT scorecard, org_id AS "orgId", period_start AS "periodStart", period_end AS "periodEnd", version,
              grace_ms AS "graceMs", log_position AS "logPosition", closed_at AS "closedAt", outcome
       FROM closed_periods WHERE org_id = $1 AND ($2::text IS NULL OR scorecard = $2)
       ORDER BY period_start DESC, scorecard LIMIT $3`,
      [orgId, scorecard, limit],
    );
    return rows.map((r) => ({
      ...r,
      periodStart: r.periodStart.toISOString(),
      periodEnd: r.periodEnd.toISOString(),
      closedAt: r.closedAt.toISOString(),
      graceMs: Number(r.graceMs),
      logPosition: r.logPosition === null ? null : Number(r.logPosition),
    }));
  }

  async closedPeriod(orgId: string, scorecard: string, periodStart: number): Promise<ClosedPeriodRow | undefined> {
    return (await this.closedPeriods(orgId, scorecard, 10_000)).find((p) => Date.parse(p.periodStart) === periodStart);
  }

  // A closed period's frozen scorecards (of these entity ids, or all), by entity id.
  async frozenCards(
    orgId: string,
    scorecard: string,
    periodStart: number,
    entityIds: readonly string[] | null,
  ): Promise<FrozenScorecard[]> {
    return this.selectFrozen(
      `f.org_id = $1 AND f.scorecard = $2 AND f.period_start = $3 AND ($4::text[] IS NULL OR f.entity_id = ANY($4))`,
      [orgId, scorecard, iso(periodStart), entityIds],
    );
  }

  // One entity's frozen scorecards (every scorecard) of the closed periods that ended at `periodEnd`:
  // the results of record a review pack shows for a week a period ended with.
  async frozenEndingAt(
    orgId: string,
    entity: { level: EntityRef['level']; id: string },
    periodEnd: number,
  ): Promise<FrozenScorecard[]> {
    return this.selectFrozen(
      `f.org_id = $1 AND f.level = $2 AND f.entity_id = $3 AND (f.content->>'periodEnd')::timestamptz = $4`,
      [orgId, entity.level, entity.id, iso(periodEnd)],
    );
  }

  private async selectFrozen(where: string, params: unknown[]): Promise<FrozenScorecard[]> {
    const rows = await this.db.query<FrozenRow[]>(
      `SELECT f.content, f.content_hash AS hash, f.outcome,
              a.after AS effective, a.after_hash AS effective_hash, a.id AS effective_id,
              (SELECT count(*)::int FROM restatements r WHERE ${SAME_CARD('r')}
                 AND NOT EXISTS (SELECT 1 FROM restatement_decisions d WHERE d.restatement_id = r.id)) AS pending,
              (SELECT jsonb_build_object('grade', g.grade, 'coefficient', g.coefficient, 'decidedBy', g.decided_by,
                        'role', g.role, 'reason', g.reason, 'decidedAt', g.decided_at)
                 FROM final_grades g WHERE ${SAME_CARD('g')} ORDER BY g.id DESC LIMIT 1) AS final
       FROM frozen_scorecards f
       LEFT JOIN LATERAL (SELECT r.id::text AS id, r.after, r.after_hash FROM restatements r
                          JOIN restatement_decisions d ON d.restatement_id = r.id AND d.decision = 'approved'
                          WHERE ${SAME_CARD('r')} ORDER BY d.decided_at DESC, r.id DESC LIMIT 1) a ON true
       WHERE ${where}
       ORDER BY f.level, f.entity_id, f.scorecard`,
      params,
    );
    return rows
      .map((r) => ({
        content: r.content,
        hash: r.hash,
        outcome: r.outcome,
        effective:
          r.effective === null
            ? { content: r.content, hash: r.hash, restatement: null }
            : { content: r.effective, hash: r.effective_hash ?? r.hash, restatement: r.effective_id },
        pendingRestatements: r.pending,
        finalGrade: r.final,
      }))
      .sort(
        (a, b) =>
          a.content.entity.id.localeCompare(b.content.entity.id, 'en', { numeric: true }) ||
          a.content.scorecard.localeCompare(b.content.scorecard),
      );
  }

  // What a review pack is built from: a closed period's frozen cards (of these entities: a team's agents
  // and the team) and the previous closed period's of the same scorecard, to compare with.
  async reviewPeriod(
    orgId: string,
    scorecard: string,
    periodStart: number,
    entityIds: readonly string[] | null,
  ): Promise<{ current: FrozenScorecard[]; previous: FrozenScorecard[]; previousStart: string | null }> {
    const [prev] = await this.db.query<{ start: Date }[]>(
      `SELECT period_start AS start FROM closed_periods WHERE org_id = $1 AND scorecard = $2 AND period_start < $3
       ORDER BY period_start DESC LIMIT 1`,
      [orgId, scorecard, iso(periodStart)],
    );
    const current = await this.frozenCards(orgId, scorecard, periodStart, entityIds);
    const previous =
      prev === undefined ? [] : await this.frozenCards(orgId, scorecard, prev.start.getTime(), entityIds);
    return { current, previous, previousStart: prev?.start.toISOString() ?? null };
  }

  async restatements(
    orgId: string,
    status: RestatementRow['status'] | null,
    entityIds: readonly string[] | null,
    limit: number,
  ): Promise<RestatementRow[]> {
    const rows = await this.db.query<
      (Omit<RestatementRow, 'entity' | 'periodStart' | 'detectedAt' | 'decidedAt'> & {
        level: EntityRef['level'];
        entityId: string;
        periodStart: Date;
        detectedAt: Date;
        decidedAt: Date | null;
      })[]
    >(
      `SELECT * FROM (
         SELECT r.id::text AS id, r.scorecard, r.org_id AS "orgId", r.level, r.entity_id AS "entityId",
                r.period_start AS "periodStart", r.before_hash AS "beforeHash", r.after_hash AS "afterHash", r.after, r.diff,
                r.log_from AS "logFrom", r.log_to AS "logTo", r.changed, r.detected_at AS "detectedAt",
                coalesce(d.decision, 'pending') AS status, d.decided_by AS "decidedBy", d.reason, d.decided_at AS "decidedAt"
         FROM restatements r LEFT JOIN restatement_decisions d ON d.restatement_id = r.id
         WHERE r.org_id = $1 AND ($3::text[] IS NULL OR r.entity_id = ANY($3))) x
       WHERE ($2::text IS NULL OR status = $2) ORDER BY id::bigint DESC LIMIT $4`,
      [orgId, status, entityIds, limit],
    );
    return rows.map(({ level, entityId, ...r }) => ({
      ...r,
      logFrom: r.logFrom === null ? null : Number(r.logFrom),
      logTo: r.logTo === null ? null : Number(r.logTo),
      entity: { level, id: entityId, orgId: r.orgId },
      periodStart: r.periodStart.toISOString(),
      detectedAt: r.detectedAt.toISOString(),
      decidedAt: r.decidedAt?.toISOString() ?? null,
    }));
  }

  // Approves or dismisses a pending restatement of the org; undefined when there is none of that id,
  // 'decided' when it was decided before.
  async decideRestatement(
    orgId: string,
    id: string,
    decision: RestatementDecision,
    actor: string,
    reason: string,
  ): Promise<RestatementRow | 'decided' | undefined> {
    const outcome = await this.db.transaction(async (tx) => {
      const [row] = await tx.query<{ scorecard: string; entityId: string; start: Date; decided: boolean }[]>(
        `SELECT r.scorecard, r.entity_id AS "entityId", r.period_start AS start,
                EXISTS (SELECT 1 FROM restatement_decisions d WHERE d.restatement_id = r.id) AS decided
         FROM restatements r WHERE r.id = $1 AND r.org_id = $2 FOR UPDATE`,
        [id, orgId],
      );
      if (row === undefined) return undefined;
      if (row.decided) return 'decided' as const;
      await tx.query(
        `INSERT INTO restatement_decisions (restatement_id, decision, decided_by, reason) VALUES ($1, $2, $3, $4)`,
        [id, decision, actor, reason],
      );
      await audit(tx, orgId, actor, `restatement-${decision}`, row.scorecard, row.start.getTime(), row.entityId, {
        restatement: id,
        reason,
      });
      return 'done' as const;
    });
    if (outcome !== 'done') return outcome;
    return (await this.restatements(orgId, null, null, 100_000)).find((r) => r.id === id);
  }

  // A final grade for a frozen card, beside the computed one; false when the card is not frozen.
  async decideGrade(
    key: { orgId: string; scorecard: string; periodStart: number; entity: EntityRef },
    grade: { grade: string; coefficient: number | null },
    actor: { subject: string; role: string },
    reason: string,
  ): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const inserted = await tx.query<unknown[]>(
        `INSERT INTO final_grades (scorecard, org_id, level, entity_id, period_start, grade, coefficient, decided_by, role, reason)
         SELECT scorecard, org_id, level, entity_id, period_start, $6, $7, $8, $9, $10 FROM frozen_scorecards
         WHERE scorecard = $1 AND org_id = $2 AND level = $3 AND entity_id = $4 AND period_start = $5 RETURNING 1`,
        [
          key.scorecard,
          key.orgId,
          key.entity.level,
          key.entity.id,
          iso(key.periodStart),
          grade.grade,
          grade.coefficient,
          actor.subject,
          actor.role,
          reason,
        ],
      );
      if (inserted.length === 0) return false;
      await audit(tx, key.orgId, actor.subject, 'grade-decided', key.scorecard, key.periodStart, key.entity.id, {
        ...grade,
        role: actor.role,
        reason,
      });
      return true;
    });
  }

  async auditTrail(
    orgId: string,
    filter: { scorecard?: string; periodStart?: number; entityId?: string },
    limit: number,
  ): Promise<AuditEntry[]> {
    const rows = await this.db.query<(Omit<AuditEntry, 'at' | 'periodStart'> & { at: Date; periodStart: Date })[]>(
      `SELECT id::text AS id, at, actor, action, scorecard, period_start AS "periodStart", entity_id AS "entityId", detail
       FROM close_audit WHERE org_id = $1 AND ($2::text IS NULL OR scorecard = $2)
         AND ($3::timestamptz IS NULL OR period_start = $3) AND ($4::text IS NULL OR entity_id = $4)
       ORDER BY id DESC LIMIT $5`,
      [
        orgId,
        filter.scorecard ?? null,
        filter.periodStart === undefined ? null : iso(filter.periodStart),
        filter.entityId ?? null,
        limit,
      ],
    );
    return rows.map((r) => ({ ...r, at: r.at.toISOString(), periodStart: r.periodStart.toISOString() }));
  }
}

// the restatement or grade row `t` of the frozen card f
const SAME_CARD = (t: string) =>
  `${t}.scorecard = f.scorecard AND ${t}.org_id = f.org_id AND ${t}.level = f.level AND ${t}.entity_id = f.entity_id AND ${t}.period_start = f.period_start`;

async function audit(
  tx: EntityManager,
  orgId: string,
  actor: string,
  action: string,
  scorecard: string,
  periodStart: number,
  entityId: string | null,
  detail: unknown,
): Promise<void> {
  await tx.query(
    `INSERT INTO close_audit (org_id, actor, action, scorecard, period_start, entity_id, detail) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [orgId, actor, action, scorecard, iso(periodStart), entityId, JSON.stringify(detail)],
  );
}
