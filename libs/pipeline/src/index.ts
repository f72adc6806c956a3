export {
  IndicatorProcessor,
  type IndicatorStore,
  type PollResult,
  type ProcessorOptions,
  type ProcessorWrite,
  type RosterEntry,
  type StoredCheckpoint,
} from './indicator-processor';
export {
  ingest,
  type IngestDeps,
  type IngestOutcome,
  type IngestStatus,
  type Rejection,
  type RejectionSink,
} from './ingest';
export {
  InMemoryChangeBus,
  type ChangeBatch,
  type ChangeBus,
  type ChangeListener,
  type ScoredBatch,
} from './change-bus';
export { rescore, rescoreEntities, VIEW_WINDOWS, type ScoredCard, type ValuesReader, type ViewWindow } from './rescore';
export { DefinitionsRegistry, type PublishOutcome } from './definitions-registry';
export { ValuesCache } from './values-cache';
export {
  PartitionProcessor,
  type FoldResult,
  type PartitionProcessorOptions,
  type PartitionRecord,
} from './partition-processor';
