export {
  evaluate,
  type EvaluateInput,
  type Conflict,
  type EvaluationReport,
  type ReportedIndicator,
  type ReportedScorecard,
  type RejectedEvent,
} from './evaluate';
export { scoreCardAt, type CardAt, type ReadActual } from './score-card';
