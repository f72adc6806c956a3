export { simulate } from './simulate';
export type { SimulatedLine, SimulatedLineKind } from './simulate';
export { estimateTotal } from './estimate-total';
export { DEFAULT_TIME_ZONE, SimulationOptionsError } from './simulation-options';
export type { ManualCadence, ManualIndicatorSpec, SimulationOptions } from './simulation-options';
export { MISTAKES } from './invalid-event';
export type { Mistake } from './invalid-event';
export { INDUSTRIES, SOURCES, TICKET_CHANNELS } from './vocabulary';
export type { Industry, SimulatedSource, TicketChannel } from './vocabulary';
