import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScoredCard } from '#libs/pipeline';
import { ScorecardsRepository } from '#libs/postgres';
import { migratedTestDatabase, type TestDatabase } from '../support/postgres';

function card(
  total: number,
  redLines: ScoredCard['score']['redLines'],
  { month = '11', scorecard = 'cs-supervisor-monthly', team = 'T1' } = {},
): ScoredCard {
  const next = month === '12' ? '2027-01' : `2026-${String(Number(month) + 1).padStart(2, '0')}`;
  return {
    entity: { level: 'team', id: team, orgId: 'O1' },
    periodStart: Date.parse(`2026-${month}-01T00:00:00+08:00`),
    periodEnd: Date.parse(`${next}-01T00:00:00+08:00`),
    timeZone: 'Asia/Shanghai',
    currency: 'CNY',
    window: 'month',
    scoredAt: Date.parse(`2026-${month}-15T00:00:00+08:00`),
    closed: false,
    scorecardName: { en: 'Customer-service supervisor (monthly)', zh: '客服主管月度绩效' },
    grades: [
      { grade: 'A', min: 90 },
      { grade: 'C', min: 0 },
    ],
    score: {
      scorecard,
      version: 1,
      kpis: [],
      dimensions: [],
      total,
      grade: total >= 90 ? 'A' : 'C',
      coefficient: null,
      bonus: null,
      redLines,
      deducted: 0,
    },
  };
}

describe('scorecards and red-line breaches (real Postgres)', () => {
  let t: TestDatabase;
  let repo: ScorecardsRepository;
  beforeAll(async () => {
    t = await migratedTestDatabase();
    repo = new ScorecardsRepository(t.db);
  });
  afterAll(async () => t.drop());

  it('keeps the latest card per period, its history, and opens then resolves breaches', async () => {
    await repo.save([card(95, [])]);
    await repo.save([
      card(72, [
        { kpi: 'privacy_violations', effect: 'zero-kpi' },
        { kpi: 'privacy_violations', effect: 'cap-grade', grade: 'C' },
      ]),
    ]);
    const open = await repo.openBreaches('O1');
    expect(open.map((b) => `${b.entityId}/${b.kpi}/${b.effect}`).sort()).toEqual([
      'T1/privacy_violations/cap-grade',
      'T1/privacy_violations/zero-kpi',
    ]);
    await repo.save([
      card(73, [
        { kpi: 'privacy_violations', effect: 'zero-kpi' },
        { kpi: 'privacy_violations', effect: 'cap-grade', grade: 'C' },
      ]),
    ]);
    expect(await repo.openBreaches('O1')).toHaveLength(2); // already open: still the same two, not four
    await repo.save([card(91, [])]);
    expect(await repo.openBreaches('O1')).toEqual([]);
    const latest = await repo.latestFor({ level: 'team', id: 'T1', orgId: 'O1' });
    expect(latest.map((c) => c.score.total)).toEqual([91]);
    expect(latest[0]).toMatchObject({ timeZone: 'Asia/Shanghai', window: 'month' });
    const [history] = await t.db.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM scorecard_history`);
    expect(history?.n).toBe(4);
    const [resolved] = await t.db.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM red_line_breaches WHERE resolved_at IS NOT NULL`,
    );
    expect(resolved?.n).toBe(2);
  });

  it('reports a breach whose period ended unresolved as ended at the period end, not as open now', async () => {
    const red = [{ kpi: 'csat', effect: 'zero-kpi' as const }];
    const team = { team: 'T5' };
    // October ended long ago with its red line crossed; December 2026 runs until January 2027
    await repo.save([card(60, red, { ...team, month: '10' }), card(60, red, { ...team, month: '12' })]);
    await repo.save([card(61, red, { ...team, month: '09' })]);
    await repo.save([card(95, [], { ...team, month: '09' })]); // September's breach resolved by a card
    const rows = await t.db.query<{ month: string; state: string; closed_at: Date | null; resolved_at: Date | null }[]>(
      `SELECT to_char(period_start AT TIME ZONE 'Asia/Shanghai', 'MM') AS month, state, closed_at, resolved_at
       FROM ${t.schema}_reporting.red_line_breaches WHERE entity_id = 'T5' ORDER BY period_start`,
    );
    expect(rows.map((r) => [r.month, r.state])).toEqual([
      ['09', 'resolved'],
      ['10', 'ended'],
      ['12', 'open'],
    ]);
    const [september, october, december] = rows;
    expect(september?.closed_at?.getTime()).toBe(september?.resolved_at?.getTime());
    expect(october?.closed_at?.toISOString()).toBe('2026-10-31T16:00:00.000Z'); // November 1 in Shanghai
    expect(october?.resolved_at).toBeNull();
    expect(december?.closed_at).toBeNull();
  });

  it("reads each scorecard's card of the period before its latest, not the latest nor an older one", async () => {
    const team = { team: 'T9' };
    await repo.save([card(60, [], { ...team, month: '09' }), card(70, [], { ...team, month: '10' })]);
    await repo.save([card(80, [], { ...team, month: '11' })]);
    await repo.save([card(50, [], { ...team, month: '10', scorecard: 'other' })]); // one period only
    const previous = await repo.previousFor({ level: 'team', id: 'T9', orgId: 'O1' });
    expect(previous.map((c) => [c.score.scorecard, c.score.total, c.currency])).toEqual([
      ['cs-supervisor-monthly', 70, 'CNY'],
    ]);
  });
});
