import type { Direction } from '#libs/definitions';

export interface RankMember {
  entityId: string;
  total: number;
  tiebreak: number | null; // the tiebreak KPI's actual; null (no data, or no tiebreak) ranks last among equals
}

export interface Ranked<M extends RankMember> {
  member: M;
  rank: number; // 1-based; a full tie (total and tiebreak) shares a rank: 1, 1, 3
  tied: boolean; // shares its rank with another member
}

const byId = new Intl.Collator('en', { numeric: true });

// Best total first; equal totals by the tiebreak, the better in its direction first; a full tie keeps a
// shared rank and is listed by entity id, so the order never depends on the input's.
export function rankByTotal<M extends RankMember>(members: readonly M[], direction: Direction): Ranked<M>[] {
  const sign = direction === 'higher' ? -1 : 1;
  const compareTiebreak = (a: M, b: M): number => {
    if (a.tiebreak === b.tiebreak) return 0;
    if (a.tiebreak === null) return 1;
    if (b.tiebreak === null) return -1;
    return sign * (a.tiebreak - b.tiebreak);
  };
  const sorted = [...members].sort(
    (a, b) => b.total - a.total || compareTiebreak(a, b) || byId.compare(a.entityId, b.entityId),
  );
  const out: Ranked<M>[] = [];
  sorted.forEach((member, i) => {
    const previous = out[i - 1];
    const level =
      previous !== undefined &&
      previous.member.total === member.total &&
      compareTiebreak(previous.member, member) === 0;
    out.push({ member, rank: level && previous !== undefined ? previous.rank : i + 1, tied: false });
    if (level && previous !== undefined) {
      previous.tied = true;
      out[i]!.tied = true;
    }
  });
  return out;
}
