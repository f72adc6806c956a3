import type { ReviewPack } from './review-pack';

export type Cell = string | number | null;

// The week's results as one table for HR (CSV and XLSX): a row per KPI of each of the team's cards, and
// one per card for its total and grade. Numbers stay unrounded; headers are in the language asked for.
export const RESULT_HEADERS = {
  en: [
    'team',
    'week',
    'scorecard',
    'period start',
    'period end',
    'closed',
    'frozen',
    'restatement',
    'kpi',
    'kpi name',
    'unit',
    'actual',
    'previous week',
    'target',
    'score',
    'status',
    'total',
    'grade',
  ],
  zh: [
    '团队',
    '周',
    '计分卡',
    '周期开始',
    '周期结束',
    '已结束',
    '已冻结',
    '重述',
    '指标',
    '指标名称',
    '单位',
    '实际值',
    '上周',
    '目标',
    '得分',
    '状态',
    '总分',
    '等级',
  ],
} as const;

export function resultRows(pack: ReviewPack, language: 'en' | 'zh'): Cell[][] {
  const rows: Cell[][] = [[...RESULT_HEADERS[language]]];
  for (const card of pack.scorecards) {
    const head: Cell[] = [
      pack.team.teamId,
      pack.week.label,
      card.scorecard,
      new Date(card.periodStart).toISOString(),
      new Date(card.periodEnd).toISOString(),
      card.closed ? 'yes' : 'no',
      card.frozen ? 'yes' : 'no',
      card.restatement ?? '',
    ];
    rows.push([...head, '', '', '', null, null, null, null, '', card.total, card.grade]);
    for (const k of card.kpis)
      rows.push([
        ...head,
        k.kpi,
        k.name[language],
        k.unit,
        k.actual,
        k.previous,
        k.target,
        k.score,
        k.status ?? '',
        null,
        null,
      ]);
  }
  return rows;
}

// RFC 4180: fields with a comma, quote or line break are quoted, quotes doubled; CRLF line ends. A cell
// that a spreadsheet would read as a formula (=, +, -, @ first) is prefixed with a quote mark.
export function toCsv(rows: readonly (readonly Cell[])[]): string {
  const field = (c: Cell): string => {
    if (c === null) return '';
    if (typeof c === 'number') return String(c);
    const safe = /^[=+\-@]/.test(c) ? `'${c}` : c;
    return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
  };
  return rows.map((r) => r.map(field).join(',')).join('\r\n') + '\r\n';
}
