import type { JourneyParking, JourneyRef, JourneySnapshot, ParkedJourney } from '#libs/indicators';
import { CheckpointQueue } from './checkpoint-queue';

type Stored = Omit<JourneySnapshot, 'key'>;

// What a checkpoint writes of the parked keys, in its transaction: the keys parked since the last
// committed one, the recalled keys dropped since (their stored copy goes), and each joined indicator's
// clock (the store forgets the keys whose deadline it passed).
export interface JourneysWrite {
  generation: number; // confirm(generation) once the write committed
  park: ParkedJourney[];
  forget: JourneyRef[];
  clocks: { org: string; indicator: string; clockMs: number }[];
}

// length-prefixed names, the key last: unambiguous, and far cheaper than JSON on the fold's path
const idOf = (r: JourneyRef): string => `${r.org.length}:${r.org}${r.indicator.length}:${r.indicator}${r.key}`;

// A processor's parked keys of lifecycle and conversion indicators (IndicatorEngine.park): a key that has
// heard nothing for a while leaves memory, so memory holds the keys in play rather than every
// ticket of a horizon of days. They live in the store (parked_journeys), written with the checkpoint in
// one transaction, and memory holds only
//  - the keys parked or dropped since the last committed checkpoint (`pending`, `forgotten`), and
//  - the stored keys of the events received and not folded yet, looked up before they are (`looked`).
// The engine asks synchronously; `lookUp` runs before the events reach it.
export class ParkedJourneys implements JourneyParking {
  private readonly pending = new CheckpointQueue<ParkedJourney>();
  private readonly forgotten = new CheckpointQueue<JourneyRef>();
  private readonly looked = new Map<string, Stored>();
  private generation = 0;

  // Looks up the keys the events name that memory lacks (IndicatorEngine.journeyRefs), and keeps what
  // the store holds of them until `keepOnly` lets them go.
  async lookUp(
    refs: readonly JourneyRef[],
    find: (refs: JourneyRef[]) => Promise<{ ref: JourneyRef; journey: Stored }[]>,
  ): Promise<void> {
    const unknown: JourneyRef[] = [];
    for (const ref of refs) {
      const id = idOf(ref);
      if (!this.pending.has(id) && !this.looked.has(id) && !this.forgotten.has(id)) unknown.push(ref);
    }
    if (unknown.length === 0) return;
    for (const { ref, journey } of await find(unknown)) {
      const id = idOf(ref);
      if (!this.forgotten.has(id) && !this.pending.has(id)) this.looked.set(id, journey);
    }
  }

  recall(ref: JourneyRef): Stored | undefined {
    const id = idOf(ref);
    const pending = this.pending.get(id);
    if (pending !== undefined) {
      // back in memory: a write not taken yet need not store it (one under way may: memory wins)
      if (!this.pending.isTaken(id)) this.pending.delete(id);
      return pending.journey;
    }
    const looked = this.looked.get(id);
    this.looked.delete(id);
    return looked;
  }

  forget(ref: JourneyRef): void {
    const id = idOf(ref);
    this.pending.delete(id);
    this.looked.delete(id);
    this.forgotten.set(id, ref);
  }

  // keys parked by the engine at this checkpoint
  add(parked: readonly ParkedJourney[]): void {
    for (const p of parked) {
      const id = idOf(p.ref);
      this.forgotten.delete(id);
      this.pending.set(id, p);
    }
  }

  get size(): number {
    return this.pending.size + this.looked.size + this.forgotten.size;
  }

  // The write for a checkpoint: every pending key (a write that failed is written again by the next) but
  // those whose deadline the clocks passed, every forgotten one, and the clocks.
  take(clocks: JourneysWrite['clocks']): JourneysWrite {
    this.generation++;
    const clockOf = new Map(clocks.map((c) => [idOf({ org: c.org, indicator: c.indicator, key: '' }), c.clockMs]));
    const park = this.pending.take(
      this.generation,
      ({ ref, deadlineMs }) => deadlineMs <= (clockOf.get(idOf({ ...ref, key: '' })) ?? Number.NEGATIVE_INFINITY),
    );
    const forget = this.forgotten.take(this.generation);
    return { generation: this.generation, park, forget, clocks };
  }

  // The write of `generation` committed: its keys are the store's now. They stay at hand as looked up
  // until the next keepOnly: events received before they were parked were looked up without them.
  confirm(generation: number): void {
    for (const [id, parked] of this.pending.confirm(generation)) this.looked.set(id, parked.journey);
    this.forgotten.confirm(generation);
  }

  // Lets go of the looked-up keys but those of events still waiting to be folded.
  keepOnly(waiting: readonly JourneyRef[]): void {
    if (this.looked.size === 0) return;
    const keep = new Set(waiting.map(idOf));
    for (const id of this.looked.keys()) if (!keep.has(id)) this.looked.delete(id);
  }
}
