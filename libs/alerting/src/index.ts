export { readKpi, readStreak, shortfallOf, type ClosedPeriod, type Reading, type ReadingLevel } from './alert-reading';
export { closeAlert, stepAlert, type AlertState, type AlertStep, type AlertTransition } from './alert-state';
export { instanceKey, transitionKey, watchedKpis, type AlertEntity, type AlertInstance } from './alert-instance';
export { evaluateCard, evaluateStreaks, type AlertChange, type CardScoring, type StateOf } from './evaluate-card';
