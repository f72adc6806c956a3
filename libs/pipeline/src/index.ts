export { IndicatorProcessor, type IndicatorStore, type PollResult, type ProcessorOptions } from './indicator-processor';
