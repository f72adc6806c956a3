import type { IndicatorValue } from '#libs/indicators';

// Tells the scoring step which indicator values changed, once they are committed. In one process it
// is an in-memory fan-out; scaled out, the same port sits on a topic.
export interface ChangeBus {
  publish(changes: readonly IndicatorValue[]): void;
  subscribe(listener: (changes: readonly IndicatorValue[]) => void): () => void;
}

export class InMemoryChangeBus implements ChangeBus {
  private readonly listeners = new Set<(changes: readonly IndicatorValue[]) => void>();

  publish(changes: readonly IndicatorValue[]): void {
    if (changes.length === 0) return;
    for (const listener of this.listeners) listener(changes);
  }

  subscribe(listener: (changes: readonly IndicatorValue[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
