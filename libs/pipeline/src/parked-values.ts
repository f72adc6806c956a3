import type { ParkedValue, ValueParking, ValueRef } from '#libs/indicators';
import { CheckpointQueue } from './checkpoint-queue';

// What a checkpoint writes of the parked values, in its transaction: the values parked since the last
// committed one (the store adds their tallies to those it holds), and each org's clock (the store
// forgets the values whose tallies have all closed by it).
export interface ValuesWrite {
  generation: number; // confirm(generation) once the write committed
  park: ParkedValue[];
  clocks: { org: string; clockMs: number }[];
}

// A value as the store answers a lookup: tallies it counts in (one answer per list of tallies it was
// parked with: it counts in their union).
export interface StoredValue {
  ref: ValueRef;
  tallies: string[];
}

// length-prefixed names, the value last: unambiguous, and far cheaper than JSON on the fold's path
const idOf = (r: ValueRef): string => `${r.org.length}:${r.org}${r.indicator.length}:${r.indicator}${r.side}${r.value}`;

// A processor's parked values of distinct sets of calendar periods longer than a day
// (IndicatorEngine.parkValues): at each checkpoint they leave memory and the snapshot, so memory holds
// the counts and the values seen since, not every ticket and visitor of a quarter. They live in the
// store (parked_values and parked_value_sets), written with the checkpoint in one transaction, and memory holds only
//  - the values parked since the last committed checkpoint (`pending`), and
//  - what the store holds of the values of events received and not folded yet (`looked`): with
//    `pending`, every tally such a value was parked from.
// The engine asks synchronously; `lookUp` runs before the events reach it.
export class ParkedValues implements ValueParking {
  private readonly pending = new CheckpointQueue<ParkedValue>();
  private readonly looked = new Map<string, Set<string>>();
  private generation = 0;
  private askedRef: ValueRef | undefined; // the ref isMember was last asked about, and its id
  private askedId = '';

  // Looks up the values the events name (IndicatorEngine.valueRefs) that are not at hand, and keeps
  // what the store holds of them until `keepOnly` lets them go.
  async lookUp(refs: readonly ValueRef[], find: (refs: ValueRef[]) => Promise<StoredValue[]>): Promise<void> {
    const unknown: ValueRef[] = [];
    for (const ref of refs) {
      const id = idOf(ref);
      if (this.looked.has(id)) continue;
      // at hand from now: a write that commits while the store answers adds its tallies here (confirm)
      this.looked.set(id, new Set());
      unknown.push(ref);
    }
    if (unknown.length === 0) return;
    try {
      for (const { ref, tallies } of await find(unknown)) {
        const held = this.looked.get(idOf(ref));
        for (const tally of tallies) held?.add(tally);
      }
    } catch (err) {
      for (const ref of unknown) this.looked.delete(idOf(ref));
      throw err;
    }
  }

  isMember(ref: ValueRef, tally: string): boolean {
    // the engine asks about one value for each of its entities and windows in turn: its id is made once
    const asked = this.askedRef;
    if (
      asked === undefined ||
      ref.value !== asked.value ||
      ref.indicator !== asked.indicator ||
      ref.side !== asked.side ||
      ref.org !== asked.org
    ) {
      this.askedRef = { ...ref };
      this.askedId = idOf(ref);
    }
    const id = this.askedId;
    return this.looked.get(id)?.has(tally) === true || this.pending.get(id)?.tallies.includes(tally) === true;
  }

  // values parked by the engine at this checkpoint: a value parked again adds its tallies
  add(parked: readonly ParkedValue[]): void {
    for (const p of parked) {
      const id = idOf(p.ref);
      const held = this.pending.get(id);
      if (held === undefined) this.pending.set(id, p);
      else
        this.pending.set(id, {
          ref: p.ref,
          tallies: [...new Set([...held.tallies, ...p.tallies])],
          expiresMs: Math.max(held.expiresMs, p.expiresMs),
        });
    }
  }

  get size(): number {
    return this.pending.size + this.looked.size;
  }

  // The write for a checkpoint: every pending value (a write that failed is written again by the next)
  // but those whose tallies have all closed by their org's clock, and the clocks.
  take(clocks: Readonly<Record<string, number>>): ValuesWrite {
    this.generation++;
    const park = this.pending.take(
      this.generation,
      (p) => p.expiresMs <= (clocks[p.ref.org] ?? Number.NEGATIVE_INFINITY),
    );
    const byOrg = Object.entries(clocks).map(([org, clockMs]) => ({ org, clockMs }));
    return { generation: this.generation, park, clocks: byOrg };
  }

  // The write of `generation` committed: its values are the store's now. A value at hand keeps them
  // (the store's answer it holds may predate the write); the others are looked up when named again.
  confirm(generation: number): void {
    for (const [id, parked] of this.pending.confirm(generation)) {
      const held = this.looked.get(id);
      if (held !== undefined) for (const tally of parked.tallies) held.add(tally);
    }
  }

  // Lets go of the looked-up values but those of events still waiting to be folded.
  keepOnly(waiting: readonly ValueRef[]): void {
    if (this.looked.size === 0) return;
    const keep = new Set(waiting.map(idOf));
    for (const id of this.looked.keys()) if (!keep.has(id)) this.looked.delete(id);
  }
}
