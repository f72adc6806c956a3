import type { BonusPoolDef, CalibrationDef, GradeDef, KpiDef, ScorecardDef, StreakRuleDef } from '#libs/definitions';
import { scoreScorecard } from '#libs/scoring';
import { freezeCard, type FrozenCard } from './frozen-card';

// A monthly KPI of dimension d: the actual's share of a target of 1, as a score out of 100.
export const kpi = (id: string, indicator: string): KpiDef => ({
  id,
  name: { en: id, zh: id },
  indicator,
  window: 'month',
  dimension: 'd',
  weight: 1,
  direction: 'higher',
  target: 1,
  rule: { kind: 'achievement', floor: 0, cap: 1, belowFloorScore: 0 },
  missing: { kind: 'exclude' },
  redLines: [],
  source: '',
});

// Handle time in seconds, lower is better: at or under 600 s it scores 100.
export const HANDLE_TIME: KpiDef = {
  ...kpi('handle_time', 'support.handle_time'),
  direction: 'lower',
  target: 600,
};

export const SEED_002_GRADES: GradeDef[] = [
  { grade: 'A', min: 90, coefficient: 1.5 },
  { grade: 'B', min: 80, coefficient: 1.2 },
  { grade: 'C', min: 70, coefficient: 1.0 },
  { grade: 'D', min: 0, coefficient: 0.6 },
];

// A monthly card with two KPIs (csat, sales_amount) and seed 002's grades; rules added per test.
export function card(fields: Partial<ScorecardDef> = {}): ScorecardDef {
  return {
    id: 'card',
    version: 1,
    effectiveFrom: '2026-01-01',
    name: { en: 'card', zh: 'card' },
    role: 'r',
    level: 'agent',
    period: 'month',
    dimensions: [{ id: 'd', name: { en: 'd', zh: 'd' }, weight: 1 }],
    kpis: [kpi('csat', 'support.csat'), kpi('sales_amount', 'presales.sales_amount')],
    grades: SEED_002_GRADES,
    status: { green: 100, amber: 80 },
    alerts: [],
    streaks: [],
    source: '',
    ...fields,
  };
}

// seed 002 三.2: "A级(90-100分):卓越,占比≤10%  B级(80-89分):优秀,占比≤30%"
export const SEED_002_CALIBRATION: CalibrationDef = {
  population: 'role-in-org',
  limits: [
    { grade: 'A', atMost: 0.1 },
    { grade: 'B', atMost: 0.3 },
  ],
  tiebreak: { kpi: 'csat' },
  source: '',
};

// seed 003 奖金发放规则: "静默下单销售额千分之六 … 1、绩效评估分值最高者奖励:静默下单销售额提成占有40%加200元奖金
// 2、…第二者奖励:…占有30%加100元奖金 3、剩余30%…由剩余人员平均分配 4、如出现绩效分值相同时,则按照其个人销售额排名"
export const SEED_003_BONUS_POOL: BonusPoolDef = {
  base: { kpi: 'sales_amount', rate: 0.006 },
  places: [
    { share: 0.4, plus: 200 },
    { share: 0.3, plus: 100 },
  ],
  rest: 0.3,
  tiebreak: { kpi: 'sales_amount' },
  source: '',
};

// seed 003 考核说明 2 "绩效考核连续3个月在70分以下的,调离工作岗位或建议离职"; 奖励 5 "连续3个月达到中级或高级客服分值要求。给予升职加薪"
export const SEED_003_STREAKS: StreakRuleDef[] = [
  {
    id: 'below-70',
    name: { en: '', zh: '' },
    periods: 3,
    when: { kind: 'total-below', total: 70 },
    outcome: 'flag',
    source: '',
  },
  {
    id: 'promotion',
    name: { en: '', zh: '' },
    periods: 3,
    when: { kind: 'grade-at-least', grade: 'B' },
    outcome: 'promotion',
    source: '',
  },
];

// November 2026 in Asia/Shanghai (UTC+8): the period the specs' cards are frozen for.
export const NOVEMBER_SHANGHAI = {
  start: Date.parse('2026-10-31T16:00:00Z'),
  end: Date.parse('2026-11-30T16:00:00Z'),
};

// Agent `id` of org O1 frozen for November, scored on `def` from its KPIs' actuals (absent: no data).
export function frozenAgent(def: ScorecardDef, id: string, actuals: Record<string, number | null>): FrozenCard {
  return freezeCard({
    def,
    entity: { level: 'agent', id, orgId: 'O1' },
    period: NOVEMBER_SHANGHAI,
    timeZone: 'Asia/Shanghai',
    score: scoreScorecard(def, new Map(Object.entries(actuals))),
  });
}
