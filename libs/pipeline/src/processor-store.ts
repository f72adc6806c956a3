import type { EngineSnapshot, IndicatorValue } from '#libs/indicators';
import type { ChangeBatch } from './feeds';

// Where a processor keeps its results: values, and now and then a checkpoint, in one transaction.
export interface IndicatorStore {
  loadCheckpoint(processor: string): Promise<StoredCheckpoint | undefined>;
  save(write: ProcessorWrite): Promise<void>;
}

export interface StoredCheckpoint {
  offset: number;
  snapshot: EngineSnapshot;
  offsets?: Record<string, number>; // over Kafka: the next offset to read, per source topic
}

export interface ProcessorWrite {
  processor: string;
  offset: number; // the values reflect the log up to here
  changes: readonly IndicatorValue[];
  checkpoint?: { offset: number; snapshot: string; offsets?: Record<string, number> }; // snapshot already serialised
  outbox?: ChangeBatch; // the changes announced to scoring in this write's transaction (the Postgres feed)
}
