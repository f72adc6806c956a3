import { describe, expect, it } from 'vitest';
import type { ScorecardScore } from '#libs/scoring';
import { diffScorecards, type PeriodCard } from './scorecard-diff';

const score = (total: number | null, grade: string | null, redLines: string[] = [], version = 1): ScorecardScore => ({
  scorecard: 'cs',
  version,
  kpis: [],
  dimensions: [],
  total,
  grade,
  coefficient: null,
  bonus: null,
  redLines: redLines.map((kpi) => ({ kpi, effect: 'veto' as const })),
  deducted: 0,
});

const card = (id: string, s: ScorecardScore, period: PeriodCard['period'] = 'current'): PeriodCard => ({
  scorecard: 'cs',
  period,
  periodStart: period === 'current' ? '2026-11-01T00:00:00+08:00' : '2026-10-01T00:00:00+08:00',
  periodEnd: period === 'current' ? '2026-12-01T00:00:00+08:00' : '2026-11-01T00:00:00+08:00',
  entity: { level: 'agent', id },
  score: s,
});

describe('diffScorecards', () => {
  it('pairs the cards by entity and period, counts what changed and tallies each side', () => {
    const before = [
      card('A2', score(80, 'B')),
      card('A10', score(95, 'A')),
      card('A1', score(70, 'C')),
      card('A1', score(60, 'C'), 'previous'),
    ];
    const after = [
      card('A2', score(78, 'C', [], 2)),
      card('A10', score(95, 'A', [], 2)),
      card('A1', score(40, 'D', ['fcr'], 2)),
      card('A1', score(60, 'C', [], 2), 'previous'),
    ];
    const [previous, current] = diffScorecards(before, after);
    expect(previous?.period).toBe('previous');
    expect(previous?.changed).toEqual({ totals: 0, grades: 0, redLines: 0 });
    expect(previous?.movers).toEqual([]);
    expect(current?.entities.map((e) => e.entity.id)).toEqual(['A1', 'A2', 'A10']); // numeric order
    expect(current?.changed).toEqual({ totals: 2, grades: 2, redLines: 1 });
    expect(current?.before).toEqual({
      version: 1,
      cards: 3,
      grades: { A: 1, B: 1, C: 1 },
      withRedLines: 0,
      meanTotal: 245 / 3,
    });
    expect(current?.after).toEqual({
      version: 2,
      cards: 3,
      grades: { A: 1, C: 1, D: 1 },
      withRedLines: 1,
      meanTotal: 71,
    });
    // the biggest change first; an entity whose card did not change is no mover
    expect(current?.movers.map((m) => [m.entity.id, m.delta])).toEqual([
      ['A1', -30],
      ['A2', -2],
    ]);
    expect(current?.movers[0]).toMatchObject({
      before: { total: 70, grade: 'C', redLines: [] },
      after: { total: 40, grade: 'D', redLines: ['fcr:veto'] },
      gradeChanged: true,
      redLinesChanged: true,
    });
  });

  it('ranks a card or a total that appears or goes above every numeric move, and keeps the limit', () => {
    const before = [card('A1', score(90, 'A')), card('A2', score(null, null)), card('A3', score(50, 'D'))];
    const after = [card('A2', score(10, 'D')), card('A3', score(90, 'A')), card('A4', score(null, null))];
    const [diff] = diffScorecards(before, after, 3);
    expect(diff?.movers.map((m) => [m.entity.id, m.delta])).toEqual([
      ['A1', null], // gone under the draft
      ['A2', null], // a total appears
      ['A4', null], // a new card, without a total
    ]);
    expect(diff?.entities.find((e) => e.entity.id === 'A1')?.after).toBeNull();
    expect(diff?.changed).toEqual({ totals: 4, grades: 4, redLines: 2 });
  });

  it('sees a change where a card loses its total, or a card without a grade goes', () => {
    const [diff] = diffScorecards(
      [card('A1', score(70, 'C')), card('A2', score(null, null))],
      [card('A1', score(null, null))],
    );
    expect(diff?.movers.map((m) => [m.entity.id, m.delta, m.gradeChanged, m.redLinesChanged])).toEqual([
      ['A1', null, true, false],
      ['A2', null, true, true], // gone under the draft
    ]);
    expect(diff?.changed).toEqual({ totals: 2, grades: 2, redLines: 1 });
  });

  it('says a scorecard is not in force on a side with a null tally', () => {
    const [diff] = diffScorecards([], [card('A1', score(70, 'C'))]);
    expect(diff?.before).toBeNull();
    expect(diff?.after?.cards).toBe(1);
    expect(diff?.movers).toHaveLength(1);
  });

  it('sees no change where the two sides agree, with or without totals', () => {
    const cards = [card('A1', score(null, null)), card('A2', score(88.5, 'B', ['aht']))];
    const [diff] = diffScorecards(cards, cards);
    expect(diff?.changed).toEqual({ totals: 0, grades: 0, redLines: 0 });
    expect(diff?.entities.map((e) => e.delta)).toEqual([0, 0]);
  });
});

describe('diffScorecards, the movers and the order', () => {
  it('puts the larger move first whatever its sign, a grade change first among equal moves, then the ids', () => {
    const before = [
      card('A1', score(80, 'B')),
      card('A2', score(80, 'B')),
      card('A3', score(85, 'B')),
      card('A4', score(90, 'A', ['aht'])),
    ];
    const after = [
      card('A1', score(85, 'B')),
      card('A2', score(75, 'C')),
      card('A3', score(80, 'B')),
      card('A4', score(90, 'A', ['fcr'])), // the same total, another red line
    ];
    const [diff] = diffScorecards(before, after);
    expect(diff?.movers.map((m) => [m.entity.id, m.delta, m.gradeChanged, m.redLinesChanged])).toEqual([
      ['A2', -5, true, false],
      ['A1', 5, false, false],
      ['A3', -5, false, false],
      ['A4', 0, false, true],
    ]);
    expect(diff?.changed).toEqual({ totals: 3, grades: 1, redLines: 1 });
  });

  it('keeps the ten biggest movers unless told otherwise, and says the red lines in order', () => {
    const ids = Array.from({ length: 12 }, (_, i) => `A${i + 1}`);
    const before = ids.map((id) => card(id, score(50, 'D')));
    const after = ids.map((id, i) => card(id, score(50 + i, 'D', ['fcr', 'aht'])));
    const [diff] = diffScorecards(before, after);
    expect(diff?.movers.map((m) => m.entity.id)).toEqual([
      'A12',
      'A11',
      'A10',
      'A9',
      'A8',
      'A7',
      'A6',
      'A5',
      'A4',
      'A3',
    ]);
    expect(diff?.movers[0]?.after?.redLines).toEqual(['aht:veto', 'fcr:veto']);
    expect(diff?.changed).toEqual({ totals: 11, grades: 0, redLines: 12 });
  });

  it('tallies only the cards with a grade in the grades, and no mean where no card has a total', () => {
    const [diff] = diffScorecards(
      [card('A1', score(null, null)), card('A2', score(null, null, ['fcr']))],
      [card('A1', score(60, 'D')), card('A2', score(null, 'D'))],
    );
    expect(diff?.before).toEqual({ version: 1, cards: 2, grades: {}, withRedLines: 1, meanTotal: null });
    expect(diff?.after).toEqual({ version: 1, cards: 2, grades: { D: 2 }, withRedLines: 0, meanTotal: 60 });
  });

  it('orders the scorecards by id, their periods by start, and keeps an entity of each level apart', () => {
    const at = (
      scorecard: string,
      period: PeriodCard['period'],
      start: string,
      level: 'team' | 'agent',
      id = 'X1',
    ) => ({
      ...card(id, score(70, 'C'), period),
      scorecard,
      periodStart: start,
      entity: { level, id },
    });
    const diffs = diffScorecards(
      [at('card10', 'current', '2026-11-01', 'agent'), at('card2', 'previous', '2026-11-01', 'team')],
      [
        at('card2', 'current', '2026-11-01', 'agent'), // a version that changed the period: the same start
        at('card10', 'current', '2026-11-01', 'team'), // and one that changed the level
        at('card2', 'previous', '2026-10-01', 'team'),
      ],
    );
    expect(diffs.map((d) => `${d.scorecard} ${d.period} ${d.periodStart}`)).toEqual([
      'card2 previous 2026-10-01',
      'card2 current 2026-11-01',
      'card2 previous 2026-11-01',
      'card10 current 2026-11-01',
    ]);
    expect(diffs[3]?.entities.map((e) => [e.entity.level, e.before === null, e.after === null])).toEqual([
      ['agent', false, true],
      ['team', true, false],
    ]);
  });
});
