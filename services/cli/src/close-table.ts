import type { PeriodClosing } from '#libs/close';
import { num, pad } from './scorecard-table';

const iso = (ms: number) => new Date(ms).toISOString();

// `close --format table`: each closed period as a person reads it, one line per frozen card: the
// computed and proposed grade, the bonus share, the streaks met, and the start of the content hash.
export function formatCloses(closes: readonly PeriodClosing[]): string {
  const out: string[] = [];
  for (const c of closes) {
    out.push(`${c.scorecard} · ${c.orgId} · ${iso(c.periodStart)} → ${iso(c.periodEnd)} · 关闭 closed (v${c.version})`);
    const calibration = c.outcome.calibration;
    if (calibration !== null) {
      const limits = calibration.limits.map((l) => `${l.grade} ${l.computed}/${l.allowed}`).join(', ');
      out.push(`  强制分布 forced distribution: ${calibration.violated ? '✖ violated' : '✔ holds'} (${limits})`);
    }
    if (c.outcome.bonusPool !== null) out.push(`  奖金池 bonus pool: ${num(c.outcome.bonusPool.pool)}`);
    out.push(
      `  ${pad('entity', 14)}${pad('total', 9)}${pad('grade', 7)}${pad('proposed', 10)}${pad('bonus', 11)}${pad('streaks', 30)}hash`,
    );
    for (const { frozen, outcome } of c.cards) {
      const content = frozen.content;
      const streaks = outcome.streaks.filter((s) => s.met).map((s) => `${s.rule} (${s.outcome})`);
      out.push(
        `  ${pad(content.entity.id, 14)}${pad(num(content.total), 9)}${pad(content.grade ?? '–', 7)}` +
          `${pad(outcome.proposedGrade?.proposed ?? '–', 10)}${pad(outcome.bonus === null ? '–' : num(outcome.bonus.amount), 11)}` +
          `${pad(streaks.join(', ') || '–', 30)}${frozen.hash.slice(0, 12)}`,
      );
    }
    out.push('');
  }
  return `${out.join('\n')}\n`;
}
