export { closeBatch, type CloseInput, type CloseReport } from './close-batch';
export {
  evaluate,
  readEventFile,
  type EventLines,
  type AcceptedEvent,
  type EvaluateInput,
  type Conflict,
  type EvaluationReport,
  type ReportedIndicator,
  type ReportedScorecard,
  type RejectedEvent,
} from './evaluate';
export { scoreCardAt, scoreClosedCard, type CardAt, type CardContext, type ReadActual } from './score-card';
