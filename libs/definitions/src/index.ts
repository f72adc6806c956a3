export * from './model';
export { formatIssue, hasErrors, type DefinitionIssue, type IssueSeverity } from './definition-issue';
export { DefinitionError, assertValidDefinitions } from './definition-error';
export type { DefinitionOrigin, DefinitionOrigins } from './definition-origins';
export { parseDuration } from './duration';
export { API_VERSION, parseDefinitionDocument, type DefinitionLists, type ParsedDocument } from './parse-document';
export { parseDefinitionSource } from './parse-source';
export { validateDefinitions } from './validate-definitions';
export { lintSmart, smartFindings, type SmartProperty } from './smart-lint';
export { combineDefinitions, type LoadedDefinitions } from './combine-definitions';
export { loadDefinitions } from './load-definitions';
export { selectScorecardVersion, scorecardsInForce } from './select-scorecard';
export { orgSettingsFor } from './org-settings';
export { isCumulative } from './cumulative';
export {
  checkEvent,
  DEFAULT_EVENT_TIME_TOLERANCE_MS,
  manualScoreProblem,
  timeAheadProblem,
  type EventCheck,
  type EventTimeBound,
  type ReceiverClock,
  type EventProblem,
  type EventRejection,
  type RejectionCode,
} from './check-event';
