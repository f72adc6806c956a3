import type { Localized, ScoredCard } from './types';

// Every string the page shows, in both languages. KPI and dimension names are not here: they come
// localized in the cards (the seed documents' own terms).
export type Lang = 'zh' | 'en';

const STRINGS = {
  appName: { zh: 'KPI Pulse', en: 'KPI Pulse' },
  appTagline: { zh: '实时绩效计分卡', en: 'Live KPI scorecards' },
  // sign-in
  signinTitle: { zh: '登录', en: 'Sign in' },
  signinIntro: {
    zh: '粘贴访问令牌（JWT）即可查看实时计分卡。',
    en: 'Paste an access token (JWT) to see the live scorecards.',
  },
  tokenLabel: { zh: '访问令牌', en: 'Access token' },
  tokenPlaceholder: { zh: 'eyJhbGciOi…', en: 'eyJhbGciOi…' },
  signinSubmit: { zh: '登录', en: 'Sign in' },
  signinDemo: {
    zh: '演示模式下，可在服务器上用以下命令生成令牌：',
    en: 'In demo mode, mint one on the server with:',
  },
  signinDemoRoles: {
    zh: '--role 可选 admin、manager、agent 或 display；agent 另需 --team 和 --agent；不带 --team 的 display 是全组织看板（/tv）。',
    en: '--role is admin, manager, agent or display; an agent also needs --team and --agent; a display without --team shows the whole org (/tv).',
  },
  signinTabOnly: {
    zh: '令牌只保存在当前浏览器标签页中，关闭即清除。',
    en: 'The token is kept in this browser tab only and is gone when you close it.',
  },
  signinEmpty: { zh: '请先粘贴令牌。', en: 'Paste a token first.' },
  signinRejected: { zh: '服务器拒绝了该令牌：', en: 'The server refused the token:' },
  signinChecking: { zh: '正在验证…', en: 'Checking…' },
  signOut: { zh: '退出', en: 'Sign out' },
  loadFailed: { zh: '无法加载：', en: 'Could not load:' },
  retry: { zh: '重试', en: 'Retry' },
  // connection
  connLive: { zh: '实时', en: 'Live' },
  connConnecting: { zh: '正在连接…', en: 'Connecting…' },
  connReconnecting: { zh: '正在重连…', en: 'Reconnecting…' },
  connOffline: { zh: '离线', en: 'Offline' },
  connLiveTitle: { zh: '已连接，数据实时更新', en: 'Connected: figures update as they change' },
  connReconnectingTitle: {
    zh: '连接中断，正在自动重连；显示的是最后收到的数据',
    en: 'Connection lost, reconnecting by itself; showing the last figures received',
  },
  connOfflineTitle: {
    zh: '未连接（仍在自动重试）；显示的是最后收到的数据',
    en: 'Not connected (still retrying); showing the last figures received',
  },
  // periods
  periodLabel: { zh: '统计区间', en: 'Period' },
  period_live: { zh: '本期', en: 'Scorecard period' },
  'period_rolling:24h': { zh: '近24小时', en: 'Rolling 24h' },
  period_week: { zh: '本周', en: 'This week' },
  period_month: { zh: '本月', en: 'This month' },
  period_quarter: { zh: '本季', en: 'This quarter' },
  // the window a card was scored over (its `window`)
  window_day: { zh: '日', en: 'Day' },
  window_week: { zh: '周', en: 'Week' },
  window_month: { zh: '月度', en: 'Month' },
  window_quarter: { zh: '季度', en: 'Quarter' },
  window_year: { zh: '年度', en: 'Year' },
  'window_rolling:1h': { zh: '近1小时', en: 'Last hour' },
  'window_rolling:24h': { zh: '近24小时', en: 'Last 24 hours' },
  'window_rolling:7d': { zh: '近7天', en: 'Last 7 days' },
  'window_rolling:30d': { zh: '近30天', en: 'Last 30 days' },
  periodRescored: {
    zh: '按所选区间重新计分，随实时数据刷新',
    en: 'Re-scored over the chosen window, refreshed with the live data',
  },
  // a view window a KPI is not scored over (its `unscored: 'window'`)
  notScoredOver: { zh: '{span}内不评分', en: 'not scored over {span}' },
  notScoredTitle: {
    zh: '该指标的定义不提供这一时间窗，不计入总分',
    en: 'Its definition does not provide this window: left out of the total',
  },
  'span_rolling:1h': { zh: '1 小时', en: '1 h' },
  'span_rolling:24h': { zh: '24 小时', en: '24 h' },
  'span_rolling:7d': { zh: '7 天', en: '7 days' },
  'span_rolling:30d': { zh: '30 天', en: '30 days' },
  span_day: { zh: '一天', en: 'a day' },
  span_week: { zh: '一周', en: 'a week' },
  span_month: { zh: '一个月', en: 'a month' },
  span_quarter: { zh: '一个季度', en: 'a quarter' },
  span_year: { zh: '一年', en: 'a year' },
  // change against the previous period
  vsPrevious: { zh: '较上期', en: 'vs previous period' },
  vsPreviousTitle: { zh: '上期 {value}', en: 'Previous period: {value}' },
  trend_better: { zh: '变好', en: 'better' },
  trend_worse: { zh: '变差', en: 'worse' },
  trend_same: { zh: '持平', en: 'unchanged' },
  // pace
  paceOn: { zh: '进度正常', en: 'on pace' },
  paceAhead: { zh: '领先进度 {pct}', en: 'ahead of pace by {pct}' },
  paceBehind: { zh: '落后进度 {pct}', en: 'behind pace by {pct}' },
  paceProjected: { zh: '期末预计 {value}', en: 'projected {value} at period end' },
  paceExpected: { zh: '按进度应达 {value}（已过 {elapsed}）', en: 'pace target {value} ({elapsed} of the period)' },
  scoredOnPace: { zh: '按进度评分', en: 'scored on pace' },
  scoredOnPaceTitle: {
    zh: '期中按进度目标（目标 × 已过比例）评分，期末按全额目标',
    en: 'Scored against the pro-rated target (target × elapsed) until the period closes, then the full target',
  },
  // where an agent stands
  standing: { zh: '提升重点', en: 'Where to gain' },
  biggestGaps: { zh: '失分最多', en: 'Biggest gaps' },
  gapPoints: { zh: '−{points} 分', en: '−{points} pts' },
  noGaps: { zh: '各项均满分', en: 'Every KPI at full marks' },
  toNextGrade: { zh: '距 {grade} 级还差 {points} 分', en: '{points} points to grade {grade}' },
  toNextGradeAbove: { zh: '距 {grade} 级需再超过 {points} 分', en: 'more than {points} points to grade {grade}' },
  topGrade: { zh: '已是最高等级', en: 'Top grade' },
  // tv
  tvHiddenNoData: { zh: '{n} 项暂无数据（未显示）', en: '{n} KPIs without data (not shown)' },
  tvHiddenNoDataOne: { zh: '1 项暂无数据（未显示）', en: '1 KPI without data (not shown)' },
  kpiStatusCounts: { zh: '指标状态', en: 'KPIs by status' },
  // status
  status_green: { zh: '达标', en: 'On target' },
  status_amber: { zh: '接近', en: 'Close' },
  status_red: { zh: '未达标', en: 'Below target' },
  status_missing: { zh: '无数据', en: 'No data' },
  // red lines
  redLine: { zh: '红线', en: 'Red line' },
  redLines: { zh: '红线', en: 'Red lines' },
  redLineCrossed: { zh: '触碰红线', en: 'Red line crossed' },
  redLineCount: { zh: '{n} 条红线', en: '{n} red lines' },
  redLineCountOne: { zh: '1 条红线', en: '1 red line' },
  redLineNone: { zh: '无红线', en: 'No red lines' },
  redLineAlerts: { zh: '红线提醒', en: 'Red-line alerts' },
  effect_veto: { zh: '一票否决，总分记 0', en: 'veto: the total is 0' },
  'effect_zero-dimension': { zh: '所在维度记 0 分', en: 'its dimension scores 0' },
  'effect_zero-kpi': { zh: '该项记 0 分', en: 'this KPI scores 0' },
  effect_deduct: { zh: '总分扣 {points} 分', en: '{points} points off the total' },
  'effect_cap-grade': { zh: '等级最高为 {grade}', en: 'grade capped at {grade}' },
  // alerts
  alerts: { zh: '告警', en: 'Alerts' },
  alertsBell: { zh: '告警：{n} 条正在触发', en: 'Alerts: {n} firing' },
  alertsNow: { zh: '当前', en: 'Now' },
  alertsHistory: { zh: '历史', en: 'History' },
  alertsNone: { zh: '当前没有告警', en: 'No alerts right now' },
  alertsHistoryNone: { zh: '暂无告警记录', en: 'No alert history yet' },
  alertsLoadFailed: { zh: '告警加载失败：{error}', en: 'Could not load the alerts: {error}' },
  alertsOlder: { zh: '加载更早的记录', en: 'Load older' },
  alertsPendingCount: { zh: '另有 {n} 条待定', en: '{n} more pending' },
  alert_firing: { zh: '触发中', en: 'Firing' },
  alert_pending: { zh: '待定', en: 'Pending' },
  alert_fired: { zh: '已触发', en: 'Fired' },
  alert_resolved: { zh: '已恢复', en: 'Resolved' },
  alertSince: { zh: '自 {time}', en: 'since {time}' },
  alertAcked: { zh: '{by} 已确认 · {time}', en: 'Acknowledged by {by} · {time}' },
  alertSentTo: { zh: '通知：{list}', en: 'Sent to: {list}' },
  delivery_pending: { zh: '发送中', en: 'sending' },
  delivery_delivered: { zh: '已送达', en: 'delivered' },
  delivery_failed: { zh: '失败', en: 'failed' },
  alertAck: { zh: '确认', en: 'Acknowledge' },
  alertAckLabel: { zh: '确认告警：{name}', en: 'Acknowledge the alert: {name}' },
  alertAckFailed: { zh: '确认失败：{error}', en: 'Could not acknowledge: {error}' },
  alertSilence: { zh: '静默', en: 'Silence' },
  alertSilenceLabel: { zh: '静默告警：{name}', en: 'Silence the alert: {name}' },
  silenceFor: { zh: '静默时长', en: 'Silence for' },
  silenceComment: { zh: '原因', en: 'Reason' },
  silenceCommentPlaceholder: { zh: '例如：已在处理', en: 'e.g. being handled' },
  silenceCommentMissing: { zh: '请填写原因。', en: 'Give a reason.' },
  silence_1h: { zh: '1 小时', en: '1 hour' },
  silence_4h: { zh: '4 小时', en: '4 hours' },
  silence_24h: { zh: '24 小时', en: '24 hours' },
  silence_7d: { zh: '7 天', en: '7 days' },
  silenceDone: { zh: '已静默至 {time}', en: 'Silenced until {time}' },
  silenceFailed: { zh: '静默失败：{error}', en: 'Could not silence: {error}' },
  severity_critical: { zh: '严重', en: 'Critical' },
  severity_warning: { zh: '警告', en: 'Warning' },
  severity_info: { zh: '提示', en: 'Info' },
  alertSilenced: { zh: '已静默至 {time}（{by}：{comment}）', en: 'Silenced until {time} by {by}: {comment}' },
  // alert subscriptions (the drawer's third tab)
  alertsSubscriptions: { zh: '订阅', en: 'Subscriptions' },
  subIntro: {
    zh: '订阅后，告警会按分组发送到你指定的渠道。',
    en: 'Alerts you subscribe to are sent, grouped, to the channel you choose.',
  },
  subNone: { zh: '还没有订阅', en: 'No subscriptions yet' },
  subLoadFailed: { zh: '订阅加载失败：{error}', en: 'Could not load the subscriptions: {error}' },
  subNew: { zh: '新建订阅', en: 'New subscription' },
  subEditTitle: { zh: '修改订阅', en: 'Change the subscription' },
  subNewTitle: { zh: '新建订阅', en: 'New subscription' },
  subEdit: { zh: '修改', en: 'Edit' },
  subEditLabel: { zh: '修改订阅：{name}', en: 'Change the subscription: {name}' },
  subDelete: { zh: '删除', en: 'Delete' },
  subDeleteLabel: { zh: '删除订阅：{name}', en: 'Delete the subscription: {name}' },
  subDeleteConfirm: { zh: '确认删除', en: 'Confirm delete' },
  subDeleteFailed: { zh: '删除失败：{error}', en: 'Could not delete: {error}' },
  subSave: { zh: '保存', en: 'Save' },
  subCreate: { zh: '订阅', en: 'Subscribe' },
  subSaving: { zh: '正在保存…', en: 'Saving…' },
  subSaved: { zh: '已保存', en: 'Saved' },
  subOwner: { zh: '创建人 {who}', en: 'by {who}' },
  subEveryAlert: { zh: '全部告警', en: 'Every alert' },
  subTeams: { zh: '团队 {list}', en: 'Team {list}' },
  subAgents: { zh: '成员 {list}', en: 'Agent {list}' },
  subSigned: { zh: '已签名', en: 'signed' },
  subQuiet: { zh: '免打扰 {from}–{to}', en: 'Quiet {from}–{to}' },
  subNoQuiet: { zh: '无免打扰', en: 'No quiet hours' },
  lang_zh: { zh: '中文', en: 'Chinese' },
  lang_en: { zh: '英文', en: 'English' },
  // the form
  subScope: { zh: '订阅范围', en: 'Alerts about' },
  subScopeAgent: { zh: '我的告警（成员 {agent}）', en: 'My own alerts (agent {agent})' },
  subScopeNoAgent: {
    zh: '该令牌未指定成员，无法订阅。',
    en: 'This token names no agent: there is nothing to subscribe to.',
  },
  subScopeTeams: { zh: '我的团队', en: 'My teams' },
  subTeam: { zh: '团队', en: 'Team' },
  subAgent: { zh: '成员', en: 'Agent' },
  subAnyPlaceholder: { zh: '留空表示全部', en: 'empty: all' },
  subSeverity: { zh: '严重程度（不选表示全部）', en: 'Severity (none ticked: all)' },
  subKind: { zh: '规则类型（不选表示全部）', en: 'Rule kind (none ticked: all)' },
  'kind_red-line': { zh: '红线', en: 'Red line' },
  kind_deviation: { zh: '阈值偏离', en: 'Deviation' },
  kind_streak: { zh: '连续未达标', en: 'Streak' },
  kind_pace: { zh: '进度预警', en: 'Pace' },
  subChannel: { zh: '发送渠道', en: 'Channel' },
  subChannelKind: { zh: '渠道类型', en: 'Type' },
  channel_webhook: { zh: 'Webhook', en: 'Webhook' },
  channel_dingtalk: { zh: '钉钉机器人', en: 'DingTalk robot' },
  channel_wecom: { zh: '企业微信机器人', en: 'WeCom robot' },
  channel_feishu: { zh: '飞书机器人', en: 'Feishu / Lark bot' },
  channel_slack: { zh: 'Slack', en: 'Slack' },
  channel_email: { zh: '邮件', en: 'Email' },
  subUrl: { zh: '地址（URL）', en: 'URL' },
  subUrlKeep: { zh: '留空则保留现有地址和密钥', en: 'empty: keep the stored URL and secret' },
  subSecret: { zh: '签名密钥', en: 'Signing secret' },
  subSecretOptional: { zh: '签名密钥（可选）', en: 'Signing secret (optional)' },
  subSecretHint: {
    zh: '只写不读：保存后不会再显示。',
    en: 'Write-only: never shown again once saved.',
  },
  subStored: { zh: '当前：{channel}', en: 'Now: {channel}' },
  subTo: { zh: '收件人（逗号分隔）', en: 'Addresses (comma-separated)' },
  subLanguage: { zh: '通知语言', en: 'Language' },
  subQuietHours: { zh: '免打扰时段（组织时区）', en: "Quiet hours (the org's time zone)" },
  subQuietFrom: { zh: '开始', en: 'From' },
  subQuietTo: { zh: '结束', en: 'To' },
  subRefused: { zh: '未保存：{error}', en: 'Not saved: {error}' },
  fieldRefusal: { zh: '{what}：{reason}', en: '{what}: {reason}' },
  code_missing: { zh: '必填', en: 'Required' },
  code_invalid: { zh: '无效', en: 'Invalid' },
  code_out_of_range: { zh: '超出范围', en: 'Out of range' },
  code_unknown_field: { zh: '不支持的字段', en: 'Not a field here' },
  code_forbidden: { zh: '超出你的权限', en: 'Beyond your scope' },
  redLineAlert: { zh: '查看该红线的告警', en: "Open this red line's alert" },
  tvAlerts: { zh: '{n} 条告警', en: '{n} alerts' },
  close: { zh: '关闭', en: 'Close' },
  cancel: { zh: '取消', en: 'Cancel' },
  // scorecard
  total: { zh: '总分', en: 'Total' },
  grade: { zh: '等级', en: 'Grade' },
  gradeNone: { zh: '无等级', en: 'No grade' },
  coefficient: { zh: '绩效系数', en: 'Coefficient' },
  bonus: { zh: '奖金', en: 'Bonus' },
  deducted: { zh: '红线扣分', en: 'Deducted' },
  actual: { zh: '实际', en: 'Actual' },
  target: { zh: '目标', en: 'Target' },
  achievement: { zh: '达成率', en: 'Achievement' },
  score: { zh: '得分', en: 'Score' },
  weight: { zh: '权重', en: 'Weight' },
  dimensions: { zh: '维度得分', en: 'Dimension scores' },
  kpis: { zh: '指标', en: 'KPIs' },
  kpiCount: { zh: '{n} 项指标', en: '{n} KPIs' },
  trend: { zh: '近期走势', en: 'Recent trend' },
  noScorecards: { zh: '暂无计分卡', en: 'No scorecards yet' },
  noScorecardsHint: {
    zh: '收到第一批数据后，计分卡会自动出现。',
    en: 'Scorecards appear here as soon as the first figures arrive.',
  },
  loading: { zh: '加载中…', en: 'Loading…' },
  notPermitted: { zh: '无法订阅 {room}：{error}', en: 'Cannot follow {room}: {error}' },
  periodLoadFailed: { zh: '区间数据加载失败：{error}', en: 'Could not load the period: {error}' },
  // org / team / agent
  org: { zh: '组织', en: 'Organisation' },
  orgTitle: { zh: '组织 {org}', en: 'Organisation {org}' },
  orgCards: { zh: '组织计分卡', en: 'Organisation scorecards' },
  teams: { zh: '团队', en: 'Teams' },
  team: { zh: '团队', en: 'Team' },
  teamTitle: { zh: '团队 {team}', en: 'Team {team}' },
  teamCount: { zh: '{n} 个团队', en: '{n} teams' },
  teamCountOne: { zh: '1 个团队', en: '1 team' },
  noTeams: { zh: '还没有团队计分卡', en: 'No team scorecards yet' },
  // connectors (admins)
  connectors: { zh: '数据源连接器', en: 'Connectors' },
  connectorName: { zh: '连接器', en: 'Connector' },
  connectorLastDelivery: { zh: '最近推送', en: 'Last delivery' },
  connectorLastError: { zh: '最近错误', en: 'Last error' },
  never: { zh: '从未', en: 'Never' },
  webhook_accepted: { zh: '已接收', en: 'Accepted' },
  webhook_duplicate: { zh: '重复', en: 'Duplicate' },
  webhook_rejected: { zh: '已拒收', en: 'Rejected' },
  webhook_ignored: { zh: '无关指标', en: 'Ignored' },
  webhook_refused: { zh: '验签失败', en: 'Refused' },
  // definitions: what-if preview, then publish (admins)
  definitionsTitle: { zh: 'KPI 定义：预演后发布', en: 'KPI definitions: preview, then publish' },
  definitionsIntro: {
    zh: '编辑草稿（YAML 或 JSON），先预演它对本期和上期总分、等级和红线的影响，再发布。',
    en: 'Edit the draft (YAML or JSON), preview what it does to totals, grades and red lines this period and the last, then publish.',
  },
  definitionsNone: {
    zh: '尚未发布版本：当前生效的是启动时的定义文件。粘贴一份完整的定义文档。',
    en: 'No version published yet: the files the pipeline started with are in force. Paste a whole definitions document.',
  },
  previewRun: { zh: '预演', en: 'Preview' },
  previewRunning: {
    zh: '正在重新评分 {entities} / {total} 个对象…',
    en: 'Re-scoring {entities} of {total} agents, teams and orgs…',
  },
  previewDone: {
    zh: '已按已存指标值重新评分 {entities} 个对象（自 {from} 起的周期），截至 {asOf}',
    en: 'The stored values of {entities} agents, teams and orgs re-scored (periods from {from}), as of {asOf}',
  },
  previewPeriod_current: { zh: '本期', en: 'current period' },
  previewPeriod_previous: { zh: '上期', en: 'previous period' },
  previewPeriod_earlier: { zh: '更早一期', en: 'earlier period' },
  previewGrades: { zh: '等级', en: 'Grades' },
  previewRedLines: { zh: '触红线', en: 'Red lines' },
  previewMeanTotal: { zh: '平均总分', en: 'Mean total' },
  previewChanged: {
    zh: '等级变化：{grades} · 总分变化：{totals}',
    en: 'Grades changed: {grades} · totals changed: {totals}',
  },
  previewMovers: { zh: '变化最大', en: 'Biggest movers' },
  previewNoChange: { zh: '无变化', en: 'No change' },
  previewClosed: { zh: '已结算：按冻结时的值', en: 'as frozen at its close' },
  previewNotClosed: { zh: '尚未结算：按已存指标值', en: 'not closed yet: from the stored values' },
  previewPartial: { zh: '含滚动窗口的最新值', en: "a rolling window's latest value read" },
  publishRun: { zh: '发布', en: 'Publish' },
  publishNeedsPreview: { zh: '发布前请先预演当前草稿', en: 'Preview this draft before publishing it' },
  publishDone: { zh: '已发布版本 {version}', en: 'Published as version {version}' },
  openTeam: { zh: '查看团队 {team}', en: 'Open team {team}' },
  agents: { zh: '成员', en: 'Agents' },
  agent: { zh: '成员', en: 'Agent' },
  agentTitle: { zh: '成员 {agent}', en: 'Agent {agent}' },
  agentsYou: { zh: '你的成绩', en: 'Your scores' },
  you: { zh: '我', en: 'You' },
  noAgents: { zh: '暂无成员计分卡', en: 'No agent scorecards yet' },
  teamScorecards: { zh: '团队计分卡', en: 'Team scorecards' },
  status: { zh: '状态', en: 'Status' },
  role_admin: { zh: '管理员', en: 'Admin' },
  role_manager: { zh: '主管', en: 'Manager' },
  role_agent: { zh: '坐席', en: 'Agent' },
  role_display: { zh: '看板', en: 'Display' },
  role_platform: { zh: '平台', en: 'Platform' },
  lastUpdate: { zh: '更新于 {time}', en: 'Updated {time}' },
  // language
  langSwitch: { zh: 'Switch to English', en: '切换到中文' },
  // tv
  tvRotation: { zh: '每 {s} 秒切换团队', en: 'Next team every {s} s' },
  tvWaiting: { zh: '等待团队数据…', en: 'Waiting for team data…' },
} satisfies Record<string, Localized>;

export type StringKey = keyof typeof STRINGS;

const STORAGE_KEY = 'kpi-pulse-lang';
let current: Lang = 'zh';
const listeners = new Set<() => void>();

function stored(): string | null {
  try {
    return localStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

export function initLang(): Lang {
  // ?lang=zh|en (a wall screen's URL) wins for this page; then the saved choice; then the browser's
  const asked = new URLSearchParams(window.location.search).get('lang');
  const saved = stored();
  if (asked === 'zh' || asked === 'en') current = asked;
  else if (saved === 'zh' || saved === 'en') current = saved;
  else current = (navigator.language || 'en').toLowerCase().startsWith('zh') ? 'zh' : 'en';
  document.documentElement.lang = htmlLang(current);
  return current;
}

export function getLang(): Lang {
  return current;
}

export function htmlLang(lang: Lang): string {
  return lang === 'zh' ? 'zh-CN' : 'en';
}

export function setLang(lang: Lang): void {
  if (lang === current) return;
  current = lang;
  try {
    localStorage.setItem(STORAGE_KEY, lang);
  } catch {
    // private mode: the choice lasts for this page only
  }
  document.documentElement.lang = htmlLang(lang);
  for (const listener of listeners) listener();
}

export function onLangChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function t(key: StringKey, vars?: Record<string, string | number>): string {
  let text = STRINGS[key][current];
  if (vars !== undefined)
    for (const [name, value] of Object.entries(vars)) text = text.split(`{${name}}`).join(String(value));
  return text;
}

// a dictionary entry, or a key built at run time (status_green, period_week…) that must exist
export function tKey(key: string, vars?: Record<string, string | number>): string {
  return key in STRINGS ? t(key as StringKey, vars) : key;
}

export function loc(text: Localized | undefined): string {
  if (text === undefined) return '';
  return (current === 'zh' ? text.zh || text.en : text.en || text.zh) ?? '';
}

export function locale(): string {
  return current === 'zh' ? 'zh-CN' : 'en-GB';
}

const ACRONYMS = new Set([
  'cs',
  'kpi',
  'sla',
  'crm',
  'ka',
  'qa',
  'nps',
  'csat',
  'fcr',
  'aht',
  'hr',
  'it',
  'b2b',
  'b2c',
]);

export function prettifyId(id: string): string {
  const words = id.split(/[-_.\s]+/).filter((w) => w !== '');
  return words
    .map((w, i) => {
      if (ACRONYMS.has(w.toLowerCase())) return w.toUpperCase();
      return i === 0 ? w.charAt(0).toUpperCase() + w.slice(1) : w;
    })
    .join(' ');
}

// the scorecard's name from the definitions, in the page's language
export function scorecardName(card: Pick<ScoredCard, 'scorecardName' | 'score'>): string {
  return loc(card.scorecardName) || prettifyId(card.score.scorecard);
}
