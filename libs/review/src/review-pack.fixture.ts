import type { ActionItem } from './action-item';
import type { RedLineEvent, ResultCard, ResultKpi } from './period-results';
import type { FunnelInputs, ReviewInputs } from './review-pack';
import { parseWeekLabel, type ReviewWeek } from './review-week';

export const WEEK: ReviewWeek = parseWeekLabel('Asia/Shanghai', '2026-W48')!;

export const kpi = (over: Partial<ResultKpi> & Pick<ResultKpi, 'kpi'>): ResultKpi => ({
  name: { en: over.kpi, zh: over.kpi },
  unit: 'count',
  direction: 'higher',
  actual: null,
  target: 100,
  score: null,
  status: null,
  redLine: false,
  projected: null,
  ...over,
});

export const card = (over: Partial<ResultCard> & Pick<ResultCard, 'kpis'>): ResultCard => ({
  scorecard: 'sales-manager',
  name: { en: 'Sales manager', zh: '销售经理' },
  window: 'quarter',
  periodStart: Date.parse('2026-10-01T00:00:00+08:00'),
  periodEnd: Date.parse('2027-01-01T00:00:00+08:00'),
  closed: false,
  frozen: false,
  restatement: null,
  total: 70,
  grade: 'B',
  ...over,
});

export const item = (over: Partial<ActionItem> & Pick<ActionItem, 'id'>): ActionItem => ({
  teamId: 'T1',
  title: `item ${over.id}`,
  owner: 'A1',
  dueDate: '2026-11-30',
  status: 'open',
  raisedWeek: '2026-W47',
  createdAt: Date.parse('2026-11-17T10:00:00+08:00'),
  updatedAt: Date.parse('2026-11-17T10:00:00+08:00'),
  closedAt: null,
  ...over,
});

export const redLine = (over: Partial<RedLineEvent> & Pick<RedLineEvent, 'kpi' | 'openedAt'>): RedLineEvent => ({
  scorecard: 'sales-manager',
  effect: 'deduct',
  level: 'agent',
  entityId: 'A1',
  resolvedAt: null,
  ...over,
});

export const NO_FUNNEL: FunnelInputs = {
  newSqls: null,
  previousSqls: null,
  conversion: null,
  previousConversion: null,
  stalledDays: 14,
  stalled: [],
};

// team T1 of org O1 in WEEK, with nothing in it but what `over` gives
export const inputs = (over: Partial<ReviewInputs> = {}): ReviewInputs => ({
  team: { orgId: 'O1', teamId: 'T1' },
  week: WEEK,
  current: [],
  previous: [],
  redLines: [],
  alerts: [],
  funnel: NO_FUNNEL,
  actionItems: [],
  ...over,
});
