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
  const others = ranked.length - def.places.length;
  const restEach = others > 0 ? (def.rest * pool) / others : 0;
  const positionAmount = (i: number): number => {
    const place = def.places[i];
    return place === undefined ? restEach : place.share * pool + place.plus;
  };
  const shares: BonusShare[] = [];
  for (let i = 0; i < ranked.length;) {
    let j = i + 1;
    while (j < ranked.length && ranked[j]?.rank === ranked[i]?.rank) j++;
    let sum = 0;
    for (let k = i; k < j; k++) sum += positionAmount(k);
    for (let k = i; k < j; k++) {
      const r = ranked[k];
      if (r === undefined) continue;
      shares.push({
        entityId: r.member.entityId,
        rank: r.rank,
        total: r.member.total,
        place: k < def.places.length ? k + 1 : null,
        amount: sum / (j - i),
        tied: r.tied,
      });
    }
    i = j;
  }
  return { pool, shares };
}
