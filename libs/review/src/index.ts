export {
  ACTION_STATUSES,
  carriedItems,
  closedAtAfter,
  isOverdue,
  parseActionItemFields,
  type ActionItem,
  type ActionItemFields,
  type ActionStatus,
} from './action-item';
export { dealFactOf, stalledDeals, type DealFact, type DealRecord, type StalledDeal } from './deal-funnel';
export { dataHashOf } from './pack-hash';
export type { FiredAlert, PeriodResults, RedLineEvent, ResultCard, ResultKpi, TeamRef } from './period-results';
export { resultRows, toCsv, RESULT_HEADERS, type Cell } from './results-table';
export { ReviewInputError, type ReviewInputCode } from './review-input-error';
export {
  buildReviewPack,
  type CardChange,
  type ForecastLine,
  type FunnelInputs,
  type KpiChange,
  type Mover,
  type ReviewInputs,
  type ReviewPack,
} from './review-pack';
export { parseWeekLabel, previousWeek, weekDates, weekOfInstant, type ReviewWeek } from './review-week';
export { toXlsx } from './xlsx';
export { DEAL_FOLLOWER, DealFollower } from './deal-follower';
export { FUNNEL_INDICATORS, makeReviewPack, type ReviewSources } from './gather-inputs';
export { DEFAULT_SCHEDULE, latestRunAt, parseSchedule, type ReviewSchedule } from './review-schedule';
export { renderPackEmail, type PackEmail } from './pack-email';
