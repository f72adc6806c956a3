import { h, setAttr, setText } from '../dom';
import { redLineIcon, statusIcon } from '../icons';
import { t, tKey } from '../i18n';
import type { KpiScore, KpiStatus } from '../types';

// status: an icon of its own shape plus the word, never colour alone
export class StatusPill {
  readonly el: HTMLElement;
  private readonly label: HTMLElement;
  private status: KpiStatus | null = null;

  constructor(testid?: string) {
    this.label = h('span', { class: 'status-text' });
    this.el = h('span', { class: 'status-pill', 'data-testid': testid });
  }

  update(status: KpiStatus): void {
    if (status !== this.status) {
      this.status = status;
      this.el.replaceChildren(statusIcon(status), this.label);
      setAttr(this.el, 'data-status', status);
      this.el.className = `status-pill status-${status}`;
    }
    setText(this.label, tKey(`status_${status}`));
  }
}

export class GradeBadge {
  readonly el: HTMLElement;

  constructor(size: 'sm' | 'md' | 'lg' | 'xl', testid?: string) {
    this.el = h('span', { class: `grade grade-${size}`, 'data-testid': testid });
  }

  update(grade: string | null): void {
    const letter = grade ?? '–';
    setText(this.el, letter);
    setAttr(this.el, 'data-grade', grade ?? '');
    const tone = grade === null ? 'none' : (/^[A-DS]/i.exec(grade)?.[0]?.toUpperCase() ?? 'other');
    const className = this.el.className.replace(/\bgrade-tone-\S+/g, '').trim();
    const next = `${className} grade-tone-${tone}`;
    if (this.el.className !== next) this.el.className = next;
    setAttr(this.el, 'title', grade === null ? t('gradeNone') : `${t('grade')} ${grade}`);
  }
}

export class RedLineCount {
  readonly el: HTMLElement;
  private readonly text: HTMLElement;

  constructor(testid = 'redline-count') {
    this.text = h('span');
    this.el = h('span', { class: 'redline-count', 'data-testid': testid }, redLineIcon(), this.text);
  }

  update(count: number): void {
    setAttr(this.el, 'data-count', String(count));
    this.el.classList.toggle('is-zero', count === 0);
    setText(
      this.text,
      count === 0 ? t('redLineNone') : count === 1 ? t('redLineCountOne') : t('redLineCount', { n: count }),
    );
  }
}

// How many KPIs are in each status, as chips (icon, number, word; `compact` keeps the word for screen
// readers only). Redrawn only when a count or the language changes.
export function updateStatusCounts(el: HTMLElement, kpis: readonly KpiScore[], compact: boolean): void {
  const counts: Record<KpiStatus, number> = { green: 0, amber: 0, red: 0, missing: 0 };
  for (const kpi of kpis) counts[kpi.status]++;
  const key = JSON.stringify(counts) + tKey('status_green');
  if (el.dataset.key === key) return;
  el.dataset.key = key;
  el.replaceChildren(
    ...(['green', 'amber', 'red', 'missing'] as const)
      .filter((status) => counts[status] > 0)
      .map((status) =>
        h(
          'span',
          {
            class: `${compact ? 'mini-count' : 'count-chip'} status-${status}`,
            title: tKey(`status_${status}`),
            'data-status': status,
          },
          statusIcon(status),
          h('span', { class: 'num' }, String(counts[status])),
          h('span', { class: compact ? 'visually-hidden' : 'count-label' }, tKey(`status_${status}`)),
        ),
      ),
  );
}
