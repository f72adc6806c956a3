// A binary min-heap of pending events keyed by the instant they are due to be emitted; ties keep
// insertion order so the stream is deterministic.
export interface QueueEntry<T> {
  key: number;
  seq: number;
  value: T;
}

export class EventQueue<T> {
  private readonly heap: QueueEntry<T>[] = [];
  private seq = 0;

  get size(): number {
    return this.heap.length;
  }

  peekKey(): number | undefined {
    return this.heap[0]?.key;
  }

  push(key: number, value: T): void {
    const heap = this.heap;
    const entry: QueueEntry<T> = { key, seq: this.seq++, value };
    let index = heap.length;
    heap.push(entry);
    while (index > 0) {
      const parentIndex = (index - 1) >> 1;
      const parent = heap[parentIndex] as QueueEntry<T>;
      if (!before(entry, parent)) break;
      heap[index] = parent;
      index = parentIndex;
    }
    heap[index] = entry;
  }

  pop(): QueueEntry<T> | undefined {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop();
    if (top === undefined || last === undefined || heap.length === 0) return top;
    let index = 0;
    const length = heap.length;
    for (;;) {
      const left = 2 * index + 1;
      if (left >= length) break;
      const right = left + 1;
      let child = left;
      let childEntry = heap[left] as QueueEntry<T>;
      if (right < length) {
        const rightEntry = heap[right] as QueueEntry<T>;
        if (before(rightEntry, childEntry)) {
          child = right;
          childEntry = rightEntry;
        }
      }
      if (!before(childEntry, last)) break;
      heap[index] = childEntry;
      index = child;
    }
    heap[index] = last;
    return top;
  }
}

function before<T>(a: QueueEntry<T>, b: QueueEntry<T>): boolean {
  return a.key < b.key || (a.key === b.key && a.seq < b.seq);
}
