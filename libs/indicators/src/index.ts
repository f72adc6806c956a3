export { IndicatorEngine, type EngineOptions, type TeamOf } from './indicator-engine';
export type { EngineSnapshot } from './engine-snapshot';
export type { JourneyParking, JourneyRef, JourneySnapshot, ParkedJourney } from './state/journey-book';
export type { ParkedValue, ValueParking, ValueRef } from './state/period-tally';
export { Deduplicator, type DedupDay, type KeyMemory, type Sighting } from './deduplicator';
export type {
  BatchResult,
  EngineStats,
  EntityRef,
  EventOutcome,
  FoldResult,
  FoldStatus,
  IndicatorValue,
  TooLate,
} from './indicator-value';
export { entityKey, valueRowKey } from './indicator-value';
export { emptyReading } from './empty-reading';
export { ROLLING_SPECS, maxWindowSpanMs, type RollingSpec } from './windows';
export { compileTerm, compileGetter, type CompiledTerm, type EventContext } from './compiled-term';
