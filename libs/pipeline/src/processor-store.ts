import type { EngineSnapshot, IndicatorValue, JourneyRef, JourneySnapshot, ValueRef } from '#libs/indicators';
import type { ChangeBatch } from './feeds';
import type { JourneysWrite } from './parked-journeys';
import type { StoredValue, ValuesWrite } from './parked-values';
import type { KeysWrite } from './persisted-keys';

// Where a processor keeps its results: values, and now and then a checkpoint, in one transaction.
export interface IndicatorStore {
  loadCheckpoint(processor: string): Promise<StoredCheckpoint | undefined>;
  save(write: ProcessorWrite): Promise<void>;
  // the fingerprints of the processor's stored idempotency keys among these (the Kafka processor's)
  findKeys(processor: string, keys: readonly string[]): Promise<Map<string, number>>;
  // the processor's parked keys of joined indicators among these
  findJourneys(
    processor: string,
    refs: readonly JourneyRef[],
  ): Promise<{ ref: JourneyRef; journey: Omit<JourneySnapshot, 'key'> }[]>;
  // the processor's parked values of distinct sets among these, with the tallies they count in
  findValues(processor: string, refs: readonly ValueRef[]): Promise<StoredValue[]>;
  // a processor starting from no checkpoint: keys, parked journeys and values a former run stored are
  // not its own
  forgetProcessor(processor: string): Promise<void>;
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
  // the snapshot already serialised; the parked keys of joined indicators, the parked values of distinct
  // sets and, over Kafka, the idempotency keys the processor stores with it
  checkpoint?: {
    offset: number;
    snapshot: string;
    offsets?: Record<string, number>;
    keys?: KeysWrite;
    journeys?: JourneysWrite;
    values?: ValuesWrite;
  };
  outbox?: ChangeBatch; // the changes announced to scoring in this write's transaction (the Postgres feed)
}
