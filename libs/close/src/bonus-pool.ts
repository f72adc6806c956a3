import type { BonusPoolDef, Direction } from '#libs/definitions';
import { rankByTotal, type RankMember } from './ranking';

export interface BonusMember extends RankMember {
  base: number | null; // the base KPI's actual (seed 003: the person's silent-order sales)
}

export interface BonusShare {
  entityId: string;
  rank: number;
  total: number;
  place: number | null; // the paid place (1st, 2nd…), null for a share of the rest
  amount: number; // in the org currency
  tied: boolean; // a full tie: the tied positions' amounts are pooled and split equally
}

export interface BonusSplit {
  pool: number; // rate × the population's summed base
  shares: BonusShare[]; // by rank
}

// The rank-based pool split (seed 003 奖金发放规则): position i ≤ places gets share × pool + plus, every
// later position an equal part of rest × pool. Members tied on total and tiebreak share the amounts of
// the positions they take between them equally (the seed breaks ties by personal sales and says no more).
// With fewer members than places, the places nobody takes and the rest are not paid out.
export function splitBonusPool(
  def: BonusPoolDef,
  tiebreakDirection: Direction,
  members: readonly BonusMember[],
): BonusSplit {
  const pool = def.base.rate * members.reduce((sum, m) => sum + (m.base ?? 0), 0);
  const ranked = rankByTotal(members, tiebreakDirection);
  // a position past the places exists only when someone is left over for the rest
  const others = ranked.length - def.places.length;
  const positionAmount = (i: number): number => {
    const place = def.places[i];
    return place === undefined ? (def.rest * pool) / others : place.share * pool + place.plus;
  };
  // a full tie at rank r takes the positions from r − 1 on, one each, and shares their amounts equally
  const sharing = new Map<number, number>();
  for (const r of ranked) sharing.set(r.rank, (sharing.get(r.rank) ?? 0) + 1);
  const shares = ranked.map((r, position): BonusShare => {
    const count = sharing.get(r.rank) as number;
    let sum = 0;
    for (let i = r.rank - 1; i < r.rank - 1 + count; i++) sum += positionAmount(i);
    return {
      entityId: r.member.entityId,
      rank: r.rank,
      total: r.member.total,
      place: position < def.places.length ? position + 1 : null,
      amount: sum / count,
      tied: r.tied,
    };
  });
  return { pool, shares };
}
