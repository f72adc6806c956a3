import { getLang } from './i18n';
import type { Localized } from './types';

// The review page's strings, in both languages (the page's own follow i18n.ts; these are kept apart so
// the review can grow without touching the rest).
const STRINGS = {
  reviewTitle: { zh: '周度经营例会 · 团队 {team}', en: 'Weekly review · Team {team}' },
  reviewLink: { zh: '周度例会', en: 'Weekly review' },
  weekRange: { zh: '{week}（{first} 至 {last}）', en: '{week} ({first} to {last})' },
  previousWeek: { zh: '上一周', en: 'Previous week' },
  nextWeek: { zh: '下一周', en: 'Next week' },
  generate: { zh: '生成本周资料', en: 'Make the pack' },
  regenerate: { zh: '重新生成', en: 'Make again' },
  generating: { zh: '正在生成…', en: 'Making…' },
  notMade: { zh: '{week} 的资料尚未生成。', en: 'The pack for {week} has not been made yet.' },
  notMadeAsk: { zh: '请主管或管理员生成。', en: 'A manager or an admin can make it.' },
  present: { zh: '演示模式', en: 'Present' },
  exitPresent: { zh: '退出演示（Esc）', en: 'Leave (Esc)' },
  presentHelp: { zh: '← → 翻页 · Home/End 首尾 · Esc 退出', en: '← → to move · Home/End · Esc to leave' },
  slideOf: { zh: '第 {n} / {m} 页', en: '{n} / {m}' },
  downloadPdf: { zh: '下载 PDF', en: 'PDF' },
  downloadCsv: { zh: '导出 CSV', en: 'CSV' },
  downloadXlsx: { zh: '导出 Excel', en: 'Excel' },
  dataHash: { zh: '数据指纹 {hash}', en: 'Data hash {hash}' },
  generatedAt: { zh: '生成于 {time}（第 {n} 次）', en: 'Made {time} (version {n})' },
  restated: {
    zh: '本周结果在上次生成后发生了变化（数据指纹不同）。',
    en: 'This week’s results changed since the pack was last made (a different data hash).',
  },
  restatementApproved: {
    zh: '本周结果含已批准的重述：{list}。冻结结果保留不变。',
    en: 'This week’s results include approved restatements: {list}. The frozen results are kept beside them.',
  },
  // sections
  secScorecard: { zh: '计分卡与周环比', en: 'Scorecard, week over week' },
  secMovers: { zh: '变化最大的指标', en: 'Biggest movers' },
  secRedLines: { zh: '本周红线', en: 'Red lines this week' },
  secFunnel: { zh: '销售漏斗健康度', en: 'Funnel health' },
  secForecast: { zh: '预测偏差', en: 'Forecast deviation' },
  secAlerts: { zh: '本周告警', en: 'Alerts fired' },
  secActions: { zh: '行动项', en: 'Action items' },
  total: { zh: '总分', en: 'Total' },
  grade: { zh: '等级', en: 'Grade' },
  kpi: { zh: '指标', en: 'KPI' },
  actual: { zh: '本周', en: 'This week' },
  lastWeek: { zh: '上周', en: 'Last week' },
  change: { zh: '变化', en: 'Change' },
  target: { zh: '目标', en: 'Target' },
  score: { zh: '得分', en: 'Score' },
  closedPeriod: { zh: '已结束周期的最终结果', en: 'final: its period has ended' },
  frozenPeriod: { zh: '已结账：冻结的正式结果', en: 'closed: the frozen result of record' },
  restatedPeriod: { zh: '已结账，按重述 #{id} 更正', en: 'closed, restated by #{id}' },
  openPeriod: { zh: '周期进行中，截至周末', en: 'period running: as at the week’s end' },
  better: { zh: '改善', en: 'better' },
  worse: { zh: '变差', en: 'worse' },
  moversUp: { zh: '改善最多', en: 'Most improved' },
  moversDown: { zh: '下滑最多', en: 'Most declined' },
  none: { zh: '无', en: 'None' },
  opened: { zh: '新触发', en: 'Opened' },
  resolved: { zh: '已解除', en: 'Resolved' },
  newSqls: { zh: '新增 SQL', en: 'New SQLs' },
  conversion: { zh: '转化率（赢单÷SQL）', en: 'Conversion (won ÷ SQLs)' },
  stalled: { zh: '停滞商机（{n} 天无阶段变化）', en: 'Stalled opportunities (no stage change for {n} days)' },
  deal: { zh: '商机', en: 'Deal' },
  owner: { zh: '负责人', en: 'Owner' },
  stage: { zh: '阶段', en: 'Stage' },
  age: { zh: '停滞天数', en: 'Days' },
  projected: { zh: '预计期末', en: 'Projected' },
  deviation: { zh: '偏差', en: 'Deviation' },
  onTrack: { zh: '可达成', en: 'on track' },
  offTrack: { zh: '有风险', en: 'at risk' },
  who: { zh: '对象', en: 'Who' },
  when: { zh: '时间', en: 'When' },
  severity: { zh: '级别', en: 'Severity' },
  title: { zh: '事项', en: 'Action' },
  due: { zh: '截止日期', en: 'Due' },
  statusLabel: { zh: '状态', en: 'Status' },
  raised: { zh: '提出于', en: 'Raised' },
  overdue: { zh: '已逾期', en: 'overdue' },
  status_open: { zh: '未开始', en: 'Open' },
  status_in_progress: { zh: '进行中', en: 'In progress' },
  status_done: { zh: '已完成', en: 'Done' },
  status_dropped: { zh: '已取消', en: 'Dropped' },
  addItem: { zh: '添加行动项', en: 'Add an action item' },
  add: { zh: '添加', en: 'Add' },
  saved: { zh: '已保存；重新生成后进入资料。', en: 'Saved; it is in the pack once made again.' },
  refused: { zh: '未保存：', en: 'Not saved:' },
} satisfies Record<string, Localized>;

export type ReviewKey = keyof typeof STRINGS;

export function rt(key: ReviewKey, vars?: Record<string, string | number>): string {
  let text = STRINGS[key][getLang()];
  if (vars !== undefined)
    for (const [name, value] of Object.entries(vars)) text = text.split(`{${name}}`).join(String(value));
  return text;
}

export const statusText = (status: string): string =>
  `status_${status}` in STRINGS ? rt(`status_${status}` as ReviewKey) : status;
