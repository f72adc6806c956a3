export type { CanonicalEvent, EventData } from './canonical-event';
export { canonicalJson, contentFingerprint, eventContent } from './event-content';
export { EVENT_TYPES, isEventType, type EventType } from './event-types';
export {
  dataFieldNames,
  LEAD_STAGES,
  MAX_MEASURE,
  MAX_COMMENT_LENGTH,
  TICKET_CHANNELS,
  type LeadStage,
  type TicketChannel,
} from './data-fields';
export { formatErrors, type FieldError, type FieldErrorCode } from './field-error';
export { idempotencyKey } from './idempotency-key';
export { normalizeAmounts, type CurrencySettings, type NormalizedAmounts } from './normalize-amounts';
export { jsonNestingBeyond, MAX_NESTING_DEPTH, storableText, storageProblem } from './storable';
export { isCalendarDate, MAX_OFFSET_HOURS, parseTimestamp, utcTimestamp } from './time-format';
export {
  MAX_ID_LENGTH,
  validateEvent,
  type EventValidation,
  type InvalidEvent,
  type ValidEvent,
} from './validate-event';
