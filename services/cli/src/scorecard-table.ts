import type { ReportedScorecard } from '#libs/evaluation';
import type { KpiPace, KpiStatus } from '#libs/scoring';

// `evaluate --format table`: the scorecards as a person reads them in a terminal, zh and en labels,
// status in words and symbols (never colour alone).
const STATUS: Record<KpiStatus, string> = {
  green: '✔ on target',
  amber: '▲ below target',
  red: '✖ off target',
  missing: '– no data',
};

export function num(v: number | null, digits = 2): string {
  if (v === null) return '–';
  if (Math.abs(v) >= 1000) return Math.round(v).toLocaleString('en-US');
  return String(Math.round(v * 10 ** digits) / 10 ** digits);
}

export function pad(text: string, width: number): string {
  // CJK characters take two columns in a terminal
  let columns = 0;
  for (const ch of text) columns += /[\u1100-\uffff]/.test(ch) && !/[✔▲✖–→×]/.test(ch) ? 2 : 1;
  return text + ' '.repeat(Math.max(0, width - columns));
}

// beside the actual of a cumulative KPI in an open period: "pace 5,333,333 ahead by 4.6 %"
function paceText(pace: KpiPace | undefined): string {
  if (pace === undefined) return '';
  const gap =
    pace.gap === null ? '' : ` ${pace.gap >= 0 ? 'ahead by' : 'behind by'} ${num(Math.abs(pace.gap) * 100, 1)} %`;
  return ` · pace ${num(pace.expected, 3)}${gap}${pace.scoredOn === 'pace' ? ' (scored on pace)' : ''}`;
}

export function formatScorecards(cards: readonly ReportedScorecard[]): string {
  const out: string[] = [];
  for (const card of cards) {
    const grade = card.grade === null ? '' : ` grade ${card.grade}`;
    const reward =
      card.coefficient !== null ? ` ×${card.coefficient}` : card.bonus !== null ? ` bonus ${card.bonus}` : '';
    out.push(
      `${card.scorecard} v${card.version} · ${card.entity.level} ${card.entity.id} · ${card.periodStart.slice(0, 10)} → ${card.periodEnd.slice(0, 10)} · total ${num(card.total)}${grade}${reward}`,
    );
    for (const hit of card.redLines) {
      const detail =
        hit.points !== undefined ? ` −${hit.points}` : hit.grade !== undefined ? ` at best ${hit.grade}` : '';
      out.push(`  ⚠ red line ${hit.kpi}: ${hit.effect}${detail}`);
    }
    for (const dim of card.dimensions) {
      out.push(
        `  ${pad(`${dim.name.zh} ${dim.name.en}`, 66)} weight ${pad(String(dim.weight), 4)} score ${num(dim.score)}`,
      );
      for (const kpi of card.kpis.filter((k) => k.dimension === dim.dimension)) {
        out.push(
          `    ${pad(`${kpi.name.zh} ${kpi.name.en}`, 64)} ${pad(num(kpi.actual, 3), 12)} target ${pad(num(kpi.target, 3), 10)} score ${pad(num(kpi.score), 7)} ${STATUS[kpi.status]}${kpi.redLine ? ' ⚠' : ''}${paceText(kpi.pace)}`,
        );
      }
    }
    out.push('');
  }
  return out.join('\n');
}
