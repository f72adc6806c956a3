export {
  evaluate,
  type EvaluateInput,
  type EvaluationReport,
  type ReportedIndicator,
  type ReportedScorecard,
  type RejectedEvent,
} from './evaluate';
export { scoreCardAt, type CardAt, type CardContext, type ReadActual } from './score-card';
