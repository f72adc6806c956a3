export { readKpi, readStreak, shortfallOf, type ClosedPeriod, type Reading, type ReadingLevel } from './alert-reading';
export { closeAlert, stepAlert, type AlertState, type AlertStep, type AlertTransition } from './alert-state';
export { instanceKey, transitionKey, watchedKpis, type AlertEntity, type AlertInstance } from './alert-instance';
export { evaluateCard, evaluateStreaks, type AlertChange, type CardScoring, type StateOf } from './evaluate-card';
export {
  matches,
  MATCHER_KEYS,
  ownerMayReceive,
  ROUTING_DEFAULTS,
  silencedBy,
  type AlertLabels,
  type AlertMatchers,
  type MatcherKey,
  type QuietHours,
  type Silence,
  type Subscription,
  type SubscriptionOwner,
} from './subscription';
export { minuteOfDay, quietUntil } from './quiet-hours';
export {
  flushGroups,
  groupId,
  groupKeyOf,
  routeAlerts,
  type AlertGroup,
  type AlertMessage,
  type RoutableAlert,
  type Routed,
  type RoutingInput,
} from './route-alerts';
export {
  AlertInputError,
  checkScope,
  isObject,
  parseMatchers,
  parseRoutingFields,
  parseSilence,
  SUBSCRIPTION_FIELDS,
  type AlertInputCode,
  type RoutingFields,
  type SilenceFields,
} from './alert-input';
