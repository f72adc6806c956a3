import type { CalibrationDef, Direction, GradeDef } from '#libs/definitions';
import { rankByTotal, type RankMember } from './ranking';

export interface CalibrationMember extends RankMember {
  grade: string; // the computed grade
}

export interface ProposedGrade {
  entityId: string;
  rank: number;
  total: number;
  computed: string;
  proposed: string;
  coefficient: number | null; // the proposed grade's
  tied: boolean; // shares its rank: the cut may have fallen inside a tie (decided by entity id)
}

export interface GradeLimitCheck {
  grade: string;
  atMost: number; // the share
  allowed: number; // ⌊atMost × population⌋: "≤ 10 %" is never exceeded
  computed: number; // how many hold it as computed
}

export interface CalibrationProposal {
  population: number;
  violated: boolean; // some computed grade exceeds its limit
  limits: GradeLimitCheck[];
  grades: ProposedGrade[]; // by rank
}

// The forced distribution at close: members ranked by total (ties by the tiebreak), and, best grade
// first, the members of a limited grade beyond its allowed count moved down one grade, where they may
// overflow the next limit in turn. A grade is only ever lowered, so a red line's grade cap stands.
export function proposeCalibration(
  def: CalibrationDef,
  grades: readonly GradeDef[],
  tiebreakDirection: Direction,
  members: readonly CalibrationMember[],
): CalibrationProposal {
  const ranked = rankByTotal(members, tiebreakDirection);
  const proposed = new Map(ranked.map((r) => [r.member.entityId, r.member.grade]));
  const count = ranked.length;
  const limits = def.limits.map((limit): GradeLimitCheck => {
    // a trillionth of slack so that 0.3 × 10 allows 3, not 2 (it is 3.0000000000000004 or 2.9999999999999996)
    const allowed = Math.floor(limit.atMost * count + 1e-9);
    const computed = ranked.filter((r) => r.member.grade === limit.grade).length;
    return { grade: limit.grade, atMost: limit.atMost, allowed, computed };
  });
  for (const limit of limits) {
    const below = grades[grades.findIndex((g) => g.grade === limit.grade) + 1];
    if (below === undefined) continue; // the lowest grade is never limited (the parser refuses it)
    const holders = ranked.filter((r) => proposed.get(r.member.entityId) === limit.grade);
    for (const r of holders.slice(limit.allowed)) proposed.set(r.member.entityId, below.grade);
  }
  const coefficientOf = new Map(grades.map((g) => [g.grade, g.coefficient ?? null]));
  return {
    population: count,
    violated: limits.some((l) => l.computed > l.allowed),
    limits,
    grades: ranked.map((r) => {
      const grade = proposed.get(r.member.entityId) ?? r.member.grade;
      return {
        entityId: r.member.entityId,
        rank: r.rank,
        total: r.member.total,
        computed: r.member.grade,
        proposed: grade,
        coefficient: coefficientOf.get(grade) ?? null,
        tied: r.tied,
      };
    }),
  };
}
