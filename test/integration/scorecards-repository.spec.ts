import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScoredCard } from '#libs/pipeline';
import { ScorecardsRepository } from '#libs/postgres';
import { migratedTestDatabase, type TestDatabase } from '../support/postgres';

function card(total: number, redLines: ScoredCard['score']['redLines']): ScoredCard {
  return {
    entity: { level: 'team', id: 'T1', orgId: 'O1' },
    periodStart: Date.parse('2026-11-01T00:00:00+08:00'),
    periodEnd: Date.parse('2026-12-01T00:00:00+08:00'),
    timeZone: 'Asia/Shanghai',
    window: 'month',
    scorecardName: { en: 'Customer-service supervisor (monthly)', zh: '客服主管月度绩效' },
    score: {
      scorecard: 'cs-supervisor-monthly',
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
    const opened = await repo.save([
      card(72, [
        { kpi: 'privacy_violations', effect: 'zero-kpi' },
        { kpi: 'privacy_violations', effect: 'cap-grade', grade: 'C' },
      ]),
    ]);
    expect(opened.map((b) => `${b.orgId}/${b.entityId}/${b.kpi}/${b.effect}`).sort()).toEqual([
      'O1/T1/privacy_violations/cap-grade',
      'O1/T1/privacy_violations/zero-kpi',
    ]);
    expect(Number.isNaN(Date.parse(opened[0]?.openedAt ?? ''))).toBe(false);
    expect((await repo.openBreaches('O1')).map((b) => b.effect).sort()).toEqual(['cap-grade', 'zero-kpi']);
    const reopened = await repo.save([
      card(73, [
        { kpi: 'privacy_violations', effect: 'zero-kpi' },
        { kpi: 'privacy_violations', effect: 'cap-grade', grade: 'C' },
      ]),
    ]);
    expect(reopened).toEqual([]); // already open: nothing newly opened
    expect(await repo.openBreaches('O1')).toHaveLength(2); // still the same two, not four
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
});
