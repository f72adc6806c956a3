// What a processor holds for the store until a checkpoint's write carrying it has committed: each entry
// is stamped with the generation of the last write that took it (0: none yet). A write that failed is
// taken again by the next; an entry set again after a write took it is written again.
export class CheckpointQueue<T> {
  private readonly entries = new Map<string, { item: T; generation: number }>();

  get size(): number {
    return this.entries.size;
  }

  get(id: string): T | undefined {
    return this.entries.get(id)?.item;
  }

  has(id: string): boolean {
    return this.entries.has(id);
  }

  // a write under way carries it
  isTaken(id: string): boolean {
    return (this.entries.get(id)?.generation ?? 0) !== 0;
  }

  set(id: string, item: T): void {
    this.entries.set(id, { item, generation: 0 });
  }

  delete(id: string): void {
    this.entries.delete(id);
  }

  // Every entry, for the write of `generation`, but those `stale` says the store would not keep (dropped).
  take(generation: number, stale: (item: T) => boolean = () => false): T[] {
    const out: T[] = [];
    for (const [id, entry] of this.entries) {
      if (stale(entry.item)) {
        this.entries.delete(id);
        continue;
      }
      entry.generation = generation;
      out.push(entry.item);
    }
    return out;
  }

  // The writes up to `generation` committed: their entries leave the queue, returned.
  confirm(generation: number): [string, T][] {
    const out: [string, T][] = [];
    for (const [id, entry] of this.entries)
      if (entry.generation !== 0 && entry.generation <= generation) {
        this.entries.delete(id);
        out.push([id, entry.item]);
      }
    return out;
  }
}
