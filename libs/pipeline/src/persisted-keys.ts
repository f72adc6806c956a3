import type { DedupDay, KeyMemory, Sighting } from '#libs/indicators';
import { DAY_MS } from '#libs/time';
import { CheckpointQueue } from './checkpoint-queue';

// One idempotency key as the store keeps it: the org that sent it, the day of its event time (keys are
// forgotten by day) and the fingerprint of its content (a repeat with other content is a conflict).
export interface StoredKey {
  org: string;
  key: string;
  day: number;
  fingerprint: number;
}

// What a checkpoint writes of the keys, in its transaction: the keys no committed checkpoint holds yet,
// and per org the day before which the store forgets them (the engine's horizon).
export interface KeysWrite {
  generation: number; // confirm(generation) once the write committed
  keys: StoredKey[];
  forget: { org: string; beforeDay: number }[];
}

// a key restored from a snapshot without its fingerprint: a repeat of it is a duplicate, never a conflict
const UNKNOWN = -1;

// The Kafka processor's memory of idempotency keys. Kafka appends every copy of an event, so the
// processor tells repeats apart itself, over the engine's whole horizon (a quarter and more): far too
// many keys to hold in memory, or to rewrite in every checkpoint's snapshot. So they live in the store
// (processed_keys), written with the checkpoint in one transaction, and memory holds only
//  - the keys remembered since the last committed checkpoint (`pending`), and
//  - the stored keys of the records received and not folded yet, looked up before they are (`looked`).
// The engine asks synchronously; `lookUp` runs before the records reach it.
export class PersistedKeys implements KeyMemory {
  private readonly pending = new CheckpointQueue<StoredKey>();
  private readonly looked = new Map<string, number>(); // key → fingerprint
  private readonly cutoffs = new Map<string, number>(); // org → the day before which keys are forgotten
  private generation = 0;

  // Looks the keys up that memory does not hold, and keeps what the store knows of them (and of those
  // pending) until `keepOnly` lets them go: the records are folded later, maybe after the pending
  // keys' checkpoint committed.
  async lookUp(keys: readonly string[], find: (keys: string[]) => Promise<Map<string, number>>): Promise<void> {
    const unknown: string[] = [];
    for (const key of keys) {
      const held = this.pending.get(key);
      if (held !== undefined) this.looked.set(key, held.fingerprint);
      else if (!this.looked.has(key)) unknown.push(key);
    }
    if (unknown.length === 0) return;
    for (const [key, fingerprint] of await find(unknown)) this.looked.set(key, fingerprint);
  }

  remember(owner: string, key: string, fingerprint: number, timeMs: number): Sighting {
    const known = this.pending.get(key)?.fingerprint ?? this.looked.get(key);
    if (known !== undefined) return known === fingerprint || known === UNKNOWN ? 'duplicate' : 'conflict';
    this.pending.set(key, { org: owner, key, day: Math.floor(timeMs / DAY_MS), fingerprint });
    return 'new';
  }

  forgetBefore(owner: string, timeMs: number): void {
    const day = Math.floor(timeMs / DAY_MS);
    if (day > (this.cutoffs.get(owner) ?? Number.NEGATIVE_INFINITY)) this.cutoffs.set(owner, day);
  }

  get size(): number {
    return this.pending.size + this.looked.size;
  }

  // The snapshot holds no keys: the store does.
  snapshot(): DedupDay[] {
    return [];
  }

  // Keys of a snapshot written before the store held them: pending, so the next checkpoint stores them.
  restore(owner: string, days: readonly DedupDay[]): void {
    for (const [day, keys, fingerprints] of days)
      keys.forEach((key, i) => {
        if (!this.pending.has(key))
          this.pending.set(key, { org: owner, key, day, fingerprint: fingerprints?.[i] ?? UNKNOWN });
      });
  }

  // The keys for a checkpoint's write: every pending one (a write that failed is written again by the
  // next; the store ignores keys it holds), and the cutoffs.
  take(): KeysWrite {
    this.generation++;
    // a key past the horizon since is dropped: the store would forget it in the same write
    const keys = this.pending.take(
      this.generation,
      (entry) => entry.day < (this.cutoffs.get(entry.org) ?? Number.NEGATIVE_INFINITY),
    );
    const forget = [...this.cutoffs].map(([org, beforeDay]) => ({ org, beforeDay }));
    return { generation: this.generation, keys, forget };
  }

  // The write of `generation` committed: its keys are the store's now.
  confirm(generation: number): void {
    this.pending.confirm(generation);
  }

  // Lets go of the looked-up keys but those of records still waiting to be folded.
  keepOnly(waiting: ReadonlySet<string>): void {
    for (const key of this.looked.keys()) if (!waiting.has(key)) this.looked.delete(key);
  }
}
