export {
  evaluate,
  type EvaluateInput,
  type EvaluationReport,
  type ReportedIndicator,
  type ReportedScorecard,
  type RejectedEvent,
} from './evaluate';
export { scoreEntity } from './score-entity';
