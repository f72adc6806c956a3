// Calendar periods waiting to close, ordered by deadline (period end + allowed lateness): a binary heap,
// so closing costs O(log n) per period instead of a sweep over every state.
export interface CloseItem<T> {
  deadline: number;
  item: T;
}

export class CloseQueue<T> {
  private readonly heap: CloseItem<T>[] = [];

  push(deadline: number, item: T): void {
    const h = this.heap;
    h.push({ deadline, item });
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      // Stryker disable next-line EqualityOperator: between equal deadlines either order is a heap, and equal deadlines close in the same popDue
      if ((h[parent] as CloseItem<T>).deadline <= deadline) break;
      [h[i], h[parent]] = [h[parent] as CloseItem<T>, h[i] as CloseItem<T>];
      i = parent;
    }
  }

  // removes and returns the items whose deadline is ≤ time
  popDue(time: number): T[] {
    const due: T[] = [];
    const h = this.heap;
    while (h.length > 0 && (h[0] as CloseItem<T>).deadline <= time) {
      due.push((h[0] as CloseItem<T>).item);
      const last = h.pop() as CloseItem<T>;
      if (h.length === 0) break;
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        // Stryker disable next-line EqualityOperator: between equal deadlines either order is a heap, and equal deadlines close in the same popDue
        if (l < h.length && (h[l] as CloseItem<T>).deadline < (h[m] as CloseItem<T>).deadline) m = l;
        // Stryker disable next-line EqualityOperator: between equal deadlines either order is a heap, and equal deadlines close in the same popDue
        if (r < h.length && (h[r] as CloseItem<T>).deadline < (h[m] as CloseItem<T>).deadline) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m] as CloseItem<T>, h[i] as CloseItem<T>];
        i = m;
      }
    }
    return due;
  }

  get size(): number {
    return this.heap.length;
  }
}
