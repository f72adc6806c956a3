import { roomsOf } from '#libs/access';
import type { ScoredCard } from './rescore';

export interface RoomSnapshot {
  room: string;
  seq: number; // updates after this one carry seq + 1, + 2…: a gap means a missed update → join again
  cards: ScoredCard[];
}

export interface RoomUpdate {
  room: string;
  seq: number;
  card: ScoredCard;
  offset: number; // the card reflects every event of the log up to this offset
}

const entityKey = (c: ScoredCard): string => `${c.entity.level}:${c.entity.id}|${c.score.scorecard}`;

// What a gateway's rooms have been sent: a sequence number per room, and the newest card per entity
// and scorecard, because the store may lag the push by a write. Bounded by the rooms' entities and
// scorecards, not by the updates.
export class RoomLedger {
  private readonly seq = new Map<string, number>();
  private readonly pushed = new Map<string, Map<string, ScoredCard>>();

  // teamOf: the roster's team of an agent, for their team's agents room
  constructor(private readonly teamOf: (orgId: string, agentId: string) => string | undefined) {}

  // The updates scored cards make, room by room, each with its room's next sequence number.
  record(cards: readonly ScoredCard[], offset: number): RoomUpdate[] {
    const updates: RoomUpdate[] = [];
    for (const card of cards) {
      for (const room of roomsOf(card.entity, this.teamOf)) {
        let latest = this.pushed.get(room);
        if (latest === undefined) this.pushed.set(room, (latest = new Map<string, ScoredCard>()));
        latest.set(entityKey(card), card);
        const seq = (this.seq.get(room) ?? 0) + 1;
        this.seq.set(room, seq);
        updates.push({ room, seq, card, offset });
      }
    }
    return updates;
  }

  // A room's snapshot for a join: its stored cards, overlaid with any newer card pushed.
  snapshot(room: string, stored: readonly ScoredCard[]): RoomSnapshot {
    const cards = new Map(stored.map((c) => [entityKey(c), c]));
    for (const [key, card] of this.pushed.get(room) ?? []) {
      const held = cards.get(key);
      if (held === undefined || held.periodStart <= card.periodStart) cards.set(key, card);
    }
    return { room, seq: this.seq.get(room) ?? 0, cards: [...cards.values()] };
  }
}
