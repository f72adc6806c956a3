import { describe, expect, it } from 'vitest';
import { rankByTotal, type RankMember } from './ranking';

const m = (entityId: string, total: number, tiebreak: number | null): RankMember => ({ entityId, total, tiebreak });

// R1 and R2 tie on total (tiebreaks 1 and 3); R9 and R10 tie on total and tiebreak; R5, R6 and R7 tie on
// total with R5 and R7 lacking a tiebreak.
const members = [
  m('R5', 70, null),
  m('R10', 80, 5),
  m('R1', 90, 1),
  m('R6', 70, 2),
  m('R9', 80, 5),
  m('R7', 70, null),
  m('R2', 90, 3),
];

const ranks = (ranked: ReturnType<typeof rankByTotal>) => ranked.map((r) => [r.member.entityId, r.rank, r.tied]);

describe('the ranking by total', () => {
  it('puts the best total first, then the better tiebreak; a full tie shares its rank (1, 1, 3) by entity id', () => {
    const expected = [
      ['R2', 1, false], // higher tiebreak 3 beats 1
      ['R1', 2, false],
      ['R9', 3, true], // full tie, listed by numeric id: R9 before R10
      ['R10', 3, true],
      ['R6', 5, false], // a tiebreak beats none
      ['R5', 6, true], // neither has one: a full tie
      ['R7', 6, true],
    ];
    expect(ranks(rankByTotal(members, 'higher'))).toEqual(expected);
    // the input's order never matters
    expect(ranks(rankByTotal([...members].reverse(), 'higher'))).toEqual(expected);
  });

  it('ranks the lower tiebreak first for a lower-is-better KPI, and no tiebreak still last', () => {
    const expected = [
      ['R1', 1, false],
      ['R2', 2, false],
      ['R9', 3, true],
      ['R10', 3, true],
      ['R6', 5, false],
      ['R5', 6, true],
      ['R7', 6, true],
    ];
    expect(ranks(rankByTotal(members, 'lower'))).toEqual(expected);
    expect(ranks(rankByTotal([...members].reverse(), 'lower'))).toEqual(expected);
  });

  it('shares one rank among three and goes on at the fourth place; no one and one alone are ranked too', () => {
    const three = [m('T3', 50, 1), m('T1', 50, 1), m('T4', 40, 1), m('T2', 50, 1)];
    expect(ranks(rankByTotal(three, 'higher'))).toEqual([
      ['T1', 1, true],
      ['T2', 1, true],
      ['T3', 1, true],
      ['T4', 4, false],
    ]);
    expect(rankByTotal([], 'higher')).toEqual([]);
    const alone = m('S1', 0, null);
    expect(rankByTotal([alone], 'lower')).toEqual([{ member: alone, rank: 1, tied: false }]);
  });
});
