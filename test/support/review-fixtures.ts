import type { DataSource } from 'typeorm';
import { contentHash, type FrozenCard, type FrozenContent } from '#libs/close';
import type { CanonicalEvent } from '#libs/events';
import { PeriodCloseRepository } from '#libs/postgres';

// A team's week as Postgres keeps it today, written row by row for the review pack's tests: cards (the
// latest of each period and their history, each at a chosen moment), red-line breaches, a fired alert, the
// funnel's week values and deal events. Org O1 is on Beijing time (the seed's org settings).
export const at = (local: string): Date => new Date(`${local}+08:00`);

interface Kpi {
  kpi: string;
  name: { en: string; zh: string };
  actual: number | null;
  target: number;
  unit: string;
  direction?: 'higher' | 'lower';
  cumulative?: boolean;
}

const QUARTER = { start: at('2026-10-01T00:00:00'), end: at('2027-01-01T00:00:00') };

function cardJson(
  teamId: string,
  scorecard: string,
  period: { start: Date; end: Date },
  window: string,
  total: number,
  grade: string,
  kpis: Kpi[],
) {
  return {
    entity: { orgId: 'O1', level: 'team', id: teamId },
    periodStart: period.start.getTime(),
    periodEnd: period.end.getTime(),
    timeZone: 'Asia/Shanghai',
    currency: 'CNY',
    window,
    scorecardName: { en: `Card ${scorecard}`, zh: `计分卡 ${scorecard}` },
    grades: [],
    scoredAt: period.start.getTime(),
    closed: false,
    score: {
      scorecard,
      version: 1,
      dimensions: [],
      total,
      grade,
      coefficient: null,
      bonus: null,
      redLines: [],
      deducted: 0,
      kpis: kpis.map((k) => ({
        kpi: k.kpi,
        indicator: k.kpi,
        name: k.name,
        dimension: 'd',
        actual: k.actual,
        target: k.target,
        achievement: null,
        score: 80,
        weight: 1,
        status: 'green',
        redLine: false,
        missing: false,
        unit: k.unit,
        direction: k.direction ?? 'higher',
        sample: null,
        ...(k.cumulative === true
          ? { pace: { elapsed: 0.5, expected: k.target / 2, projected: (k.actual ?? 0) * 2, gap: 0, scoredOn: 'pace' } }
          : {}),
      })),
    },
  };
}

// the latest card of a period, last changed at `updatedAt`, and a history version recorded at each of `versions`
export async function writeCard(
  db: DataSource,
  o: {
    teamId: string;
    scorecard: string;
    period?: { start: Date; end: Date };
    window?: string;
    latest: { total: number; grade: string; kpis: Kpi[]; updatedAt: Date };
    versions?: { recordedAt: Date; total: number; grade: string; actuals: Record<string, number> }[];
  },
): Promise<void> {
  const period = o.period ?? QUARTER;
  const card = cardJson(
    o.teamId,
    o.scorecard,
    period,
    o.window ?? 'quarter',
    o.latest.total,
    o.latest.grade,
    o.latest.kpis,
  );
  await db.query(
    `INSERT INTO scorecards (scorecard, version, org_id, level, entity_id, period_start, period_end, total, grade, card, updated_at)
     VALUES ($1, 1, 'O1', 'team', $2, $3, $4, $5, $6, $7, $8)`,
    [
      o.scorecard,
      o.teamId,
      period.start,
      period.end,
      o.latest.total,
      o.latest.grade,
      JSON.stringify(card),
      o.latest.updatedAt,
    ],
  );
  for (const v of o.versions ?? [])
    await db.query(
      `INSERT INTO scorecard_history (scorecard, org_id, level, entity_id, period_start, total, grade, actuals, recorded_at)
       VALUES ($1, 'O1', 'team', $2, $3, $4, $5, $6, $7)`,
      [o.scorecard, o.teamId, period.start, v.total, v.grade, JSON.stringify(v.actuals), v.recordedAt],
    );
}

export async function writeBreach(
  db: DataSource,
  o: { kpi: string; level: string; entityId: string; openedAt: Date; resolvedAt: Date | null },
) {
  await db.query(
    `INSERT INTO red_line_breaches (scorecard, kpi, effect, org_id, level, entity_id, period_start, opened_at, resolved_at)
     VALUES ('sales', $1, 'deduct', 'O1', $2, $3, $4, $5, $6)`,
    [o.kpi, o.level, o.entityId, QUARTER.start, o.openedAt, o.resolvedAt],
  );
}

export async function writeFiredAlert(db: DataSource, o: { key: string; entityId: string; at: Date }) {
  await db.query(
    `INSERT INTO alert_transitions (key, org_id, scorecard, rule, kpi, level, entity_id, period_start, kind, severity, name, labels, value, fired_at, at)
     VALUES ($1, 'O1', 'sales', 'win-rate-low', 'win', 'team', $2, $3, 'fired', 'warning', $4, '{}', 0.2, $5, $5)`,
    [o.key, o.entityId, QUARTER.start, JSON.stringify({ en: 'Win rate low', zh: '赢单率偏低' }), o.at],
  );
}

export async function writeWeekValue(
  db: DataSource,
  o: { indicator: string; teamId: string; week: { start: Date; end: Date }; value: number },
) {
  await db.query(
    `INSERT INTO indicator_values (indicator, org_id, level, entity_id, "window", period, period_start, period_end, value, log_offset)
     VALUES ($1, 'O1', 'team', $2, 'week', $3, $4, $5, $6, 0)`,
    [o.indicator, o.teamId, o.week.start.toISOString(), o.week.start, o.week.end, o.value],
  );
}

let n = 0;
export const dealEvent = (
  type: string,
  dealId: string,
  time: string,
  data: Record<string, unknown> = {},
): CanonicalEvent => ({
  specversion: '1.0',
  id: `deal-${++n}`,
  source: 'crm/test',
  type,
  time: `${time}+08:00`,
  data: { orgId: 'O1', teamId: 'T1', agentId: 'A1', dealId, ...data },
});

export const W47 = { start: at('2026-11-16T00:00:00'), end: at('2026-11-23T00:00:00') };
export const W48 = { start: at('2026-11-23T00:00:00'), end: at('2026-11-30T00:00:00') };

export const SALES_KPIS: Kpi[] = [
  {
    kpi: 'signed',
    name: { en: 'Signed amount', zh: '签约额' },
    actual: 700,
    target: 1000,
    unit: 'amount',
    cumulative: true,
  },
  { kpi: 'win', name: { en: 'Win rate', zh: '赢单率' }, actual: 0.31, target: 0.28, unit: 'ratio' },
];

// Team T1's quarterly sales card, changed after W48 ended (so W48 and W47 are read from its history: totals
// 72 and 60), a red line opened in W48, an alert fired in W48, and the SQLs of W48 (30) and W47 (25).
export async function writeSalesWeek(db: DataSource): Promise<void> {
  await writeCard(db, {
    teamId: 'T1',
    scorecard: 'sales',
    latest: { total: 75, grade: 'B', kpis: SALES_KPIS, updatedAt: at('2026-12-01T10:00:00') },
    versions: [
      { recordedAt: at('2026-11-22T20:00:00'), total: 60, grade: 'C', actuals: { signed: 400, win: 0.32 } },
      { recordedAt: at('2026-11-29T20:00:00'), total: 72, grade: 'B', actuals: { signed: 600, win: 0.3 } },
    ],
  });
  await writeBreach(db, {
    kpi: 'win',
    level: 'team',
    entityId: 'T1',
    openedAt: at('2026-11-24T09:00:00'),
    resolvedAt: null,
  });
  await writeFiredAlert(db, { key: 'a1', entityId: 'T1', at: at('2026-11-26T11:00:00') });
  await writeWeekValue(db, { indicator: 'sales.sql_count', teamId: 'T1', week: W48, value: 30 });
  await writeWeekValue(db, { indicator: 'sales.sql_count', teamId: 'T1', week: W47, value: 25 });
}

// A team's card of a period frozen by a close, with these KPI actuals (each on target 1, scored actual ×
// 100); the indicator values it read, of the week window, where the KPI reads one of the week.
export function frozenTeamCard(o: {
  teamId: string;
  scorecard: string;
  period: { start: Date; end: Date };
  total: number;
  grade: string;
  kpis: { kpi: string; indicator: string; actual: number }[];
}): FrozenCard {
  const content: FrozenContent = {
    scorecard: o.scorecard,
    version: 1,
    entity: { level: 'team', id: o.teamId, orgId: 'O1' },
    periodStart: o.period.start.toISOString(),
    periodEnd: o.period.end.toISOString(),
    timeZone: 'Asia/Shanghai',
    total: o.total,
    grade: o.grade,
    coefficient: null,
    bonus: null,
    deducted: 0,
    dimensions: [],
    kpis: o.kpis.map((k) => ({
      kpi: k.kpi,
      indicator: k.indicator,
      window: 'week',
      actual: k.actual,
      target: 1,
      achievement: k.actual,
      score: k.actual * 100,
      weight: 1,
      status: 'green',
      redLine: false,
      missing: false,
    })),
    redLines: [],
    values: o.kpis.map((k) => ({
      indicator: k.indicator,
      window: 'week',
      periodStart: o.period.start.toISOString(),
      value: k.actual,
    })),
  };
  return { content, hash: contentHash(content) };
}

// closes the period of a team's card, frozen as given
export async function writeClosedPeriod(db: DataSource, frozen: FrozenCard): Promise<void> {
  const { content } = frozen;
  await new PeriodCloseRepository(db).close(
    {
      scorecard: content.scorecard,
      orgId: 'O1',
      periodStart: Date.parse(content.periodStart),
      periodEnd: Date.parse(content.periodEnd),
      version: 1,
      graceMs: 0,
      logPosition: null,
      outcome: { calibration: null, bonusPool: null },
      cards: [{ frozen, outcome: { entityId: content.entity.id, proposedGrade: null, bonus: null, streaks: [] } }],
    },
    'test',
  );
}
