export { IndicatorProcessor, type IndicatorStore, type PollResult, type ProcessorOptions } from './indicator-processor';
export { ingest, type IngestDeps, type IngestOutcome, type IngestStatus, type RejectionSink } from './ingest';
