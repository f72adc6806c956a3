import type { IndicatorValue } from '#libs/indicators';
import type { ScoredCard } from './rescore';

// Tells the scoring step which indicator values changed, once they are committed. In one process it
// is an in-memory fan-out; scaled out, the same port sits on a topic.
export interface ChangeBatch {
  changes: readonly IndicatorValue[];
  clock: number; // the engine's clock: scorecards are scored for the periods holding it
  acceptedAt?: number; // when the oldest event behind the changes was durably accepted (end-to-end latency)
  offset: number; // the log offset the changes reflect events up to
}

export type ChangeListener = (batch: ChangeBatch) => void;

export interface ChangeBus {
  publish(batch: ChangeBatch): void;
  subscribe(listener: ChangeListener): () => void;
}

export class InMemoryChangeBus implements ChangeBus {
  private readonly listeners = new Set<ChangeListener>();

  publish(batch: ChangeBatch): void {
    if (batch.changes.length === 0) return;
    for (const listener of this.listeners) listener(batch);
  }

  subscribe(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

// What the scoring step hands to the gateways: the cards, the log offset they reflect, the oldest
// acceptance behind them.
export interface ScoredBatch {
  cards: ScoredCard[];
  offset: number;
  acceptedAt?: number;
}
