import { getJson, HttpError, patchJson, postJson } from '../api';
import { getToken } from '../auth';
import type { Ctx, Heading, View } from '../context';
import { h } from '../dom';
import { DASH, formatDelta, formatPeriod, formatPointsDelta, formatTotal, formatValue } from '../format';
import { loc, locale, t } from '../i18n';
import { rt, statusText } from '../review-i18n';
import {
  ACTION_STATUSES,
  type ActionItem,
  type ActionStatus,
  type PackWeeks,
  type ReviewPack,
  type StoredPack,
} from '../review-types';
import type { IndicatorUnit } from '../types';

// The weekly review pack (docs/review-and-close.md), one <section> per topic: the same sections make the
// page, the presenter's screens (one section each) and the PDF (printed by the server's Chromium from
// this page in print mode).

const u = (unit: string): { unit: IndicatorUnit } => ({ unit: unit as IndicatorUnit });
const value = (unit: string, v: number | null): string => formatValue(u(unit), v);
const pct = (ratio: number): string =>
  `${ratio > 0 ? '+' : ratio < 0 ? '−' : '±'}${Math.abs(Math.round(ratio * 1000) / 10)}%`;

function localTime(ms: number, timeZone: string): string {
  const options: Intl.DateTimeFormatOptions = { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' };
  try {
    return new Intl.DateTimeFormat(locale(), { ...options, timeZone }).format(new Date(ms));
  } catch {
    return new Intl.DateTimeFormat(locale(), options).format(new Date(ms));
  }
}

const table = (head: string[], rows: (string | HTMLElement)[][], testid: string): HTMLElement =>
  h(
    'div',
    { class: 'review-table-wrap' },
    h(
      'table',
      { class: 'review-table', 'data-testid': testid },
      h('thead', {}, h('tr', {}, ...head.map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, ...rows.map((r) => h('tr', {}, ...r.map((c) => h('td', {}, c))))),
    ),
  );

const empty = (): HTMLElement => h('p', { class: 'review-empty' }, rt('none'));

function section(id: string, title: string, ...body: (HTMLElement | null)[]): HTMLElement {
  return h(
    'section',
    { class: 'review-section', 'data-section': id, 'aria-label': title },
    h('h2', { class: 'review-h2' }, title),
    ...body,
  );
}

function change(text: string, better: boolean | null): HTMLElement {
  const tone = better === null ? 'flat' : better ? 'better' : 'worse';
  const word = better === null ? '' : ` (${rt(better ? 'better' : 'worse')})`;
  return h('span', { class: `review-change review-change-${tone}` }, `${text}${word}`);
}

function periodState(c: ReviewPack['scorecards'][number]): string {
  if (c.restatement) return rt('restatedPeriod', { id: c.restatement });
  if (c.frozen === true) return rt('frozenPeriod');
  return rt(c.closed ? 'closedPeriod' : 'openPeriod');
}

function scorecardSection(pack: ReviewPack): HTMLElement {
  const cards = pack.scorecards.map((c) => {
    const period = formatPeriod({
      periodStart: c.periodStart,
      periodEnd: c.periodEnd,
      timeZone: pack.week.timeZone,
      window: 'month',
    });
    return h(
      'div',
      { class: 'review-card', 'data-scorecard': c.scorecard },
      h(
        'div',
        { class: 'review-card-head' },
        h('h3', { class: 'review-h3' }, loc(c.name)),
        h('span', { class: 'review-period' }, `${period} · ${periodState(c)}`),
      ),
      h(
        'p',
        { class: 'review-total', 'data-testid': 'review-total' },
        h('span', { class: 'review-total-label' }, rt('total')),
        h('strong', { class: 'review-total-value' }, formatTotal(c.total)),
        h('span', { class: `review-grade grade-${(c.grade ?? 'none').toLowerCase()}` }, c.grade ?? DASH),
        c.totalChange === null
          ? null
          : change(formatPointsDelta(c.totalChange), c.totalChange === 0 ? null : c.totalChange > 0),
      ),
      table(
        [rt('kpi'), rt('actual'), rt('lastWeek'), rt('change'), rt('target'), rt('score')],
        c.kpis.map((k) => [
          loc(k.name),
          value(k.unit, k.actual),
          value(k.unit, k.previous),
          k.change === null ? DASH : change(formatDelta(u(k.unit), k.change), k.better),
          value(k.unit, k.target),
          k.score === null ? DASH : formatTotal(k.score),
        ]),
        'review-kpis',
      ),
    );
  });
  return section('scorecard', rt('secScorecard'), ...(cards.length === 0 ? [empty()] : cards));
}

function moversSection(pack: ReviewPack): HTMLElement {
  const list = (movers: ReviewPack['movers']['up'], better: boolean) =>
    movers.length === 0
      ? empty()
      : h(
          'ol',
          { class: 'review-movers' },
          ...movers.map((m) =>
            h(
              'li',
              {},
              h('span', { class: 'review-mover-name' }, loc(m.name)),
              ` ${value(m.unit, m.previous)} → ${value(m.unit, m.actual)} `,
              change(pct(m.relativeChange), better),
            ),
          ),
        );
  return section(
    'movers',
    rt('secMovers'),
    h(
      'div',
      { class: 'review-columns' },
      h('div', {}, h('h3', { class: 'review-h3' }, rt('moversUp')), list(pack.movers.up, true)),
      h('div', {}, h('h3', { class: 'review-h3' }, rt('moversDown')), list(pack.movers.down, false)),
    ),
  );
}

function redLinesSection(pack: ReviewPack): HTMLElement {
  const rows = (
    events: ReviewPack['redLines']['opened'],
    at: (e: ReviewPack['redLines']['opened'][number]) => number,
  ) =>
    events.length === 0
      ? empty()
      : table(
          [rt('who'), rt('kpi'), rt('when')],
          events.map((e) => [e.entityId, `${e.kpi} · ${e.effect}`, localTime(at(e), pack.week.timeZone)]),
          'review-red-lines',
        );
  return section(
    'red-lines',
    rt('secRedLines'),
    h(
      'div',
      { class: 'review-columns' },
      h(
        'div',
        {},
        h('h3', { class: 'review-h3' }, `${rt('opened')} (${pack.redLines.opened.length})`),
        rows(pack.redLines.opened, (e) => e.openedAt),
      ),
      h(
        'div',
        {},
        h('h3', { class: 'review-h3' }, `${rt('resolved')} (${pack.redLines.resolved.length})`),
        rows(pack.redLines.resolved, (e) => e.resolvedAt ?? e.openedAt),
      ),
    ),
  );
}

function funnelSection(pack: ReviewPack): HTMLElement {
  const f = pack.funnel;
  const figure = (label: string, now: number | null, before: number | null, unit: string) =>
    h(
      'div',
      { class: 'review-figure' },
      h('span', { class: 'review-figure-label' }, label),
      h('strong', { class: 'review-figure-value' }, value(unit, now)),
      now !== null && before !== null
        ? change(formatDelta(u(unit), now - before), now === before ? null : now > before)
        : null,
    );
  return section(
    'funnel',
    rt('secFunnel'),
    h(
      'div',
      { class: 'review-figures' },
      figure(rt('newSqls'), f.newSqls, f.previousSqls, 'count'),
      figure(rt('conversion'), f.conversion, f.previousConversion, 'ratio'),
    ),
    h('h3', { class: 'review-h3' }, rt('stalled', { n: f.stalledDays })),
    f.stalled.length === 0
      ? empty()
      : table(
          [rt('deal'), rt('owner'), rt('stage'), rt('age')],
          f.stalled.map((d) => [d.dealId, d.owner ?? DASH, d.stage ?? DASH, String(d.ageDays)]),
          'review-stalled',
        ),
  );
}

function forecastSection(pack: ReviewPack): HTMLElement {
  return section(
    'forecast',
    rt('secForecast'),
    pack.forecast.length === 0
      ? empty()
      : table(
          [rt('kpi'), rt('actual'), rt('projected'), rt('target'), rt('deviation')],
          pack.forecast.map((f) => [
            loc(f.name),
            value(f.unit, f.actual),
            value(f.unit, f.projected),
            value(f.unit, f.target),
            change(`${pct(f.deviation)} · ${rt(f.onTrack ? 'onTrack' : 'offTrack')}`, f.onTrack),
          ]),
          'review-forecast',
        ),
  );
}

function alertsSection(pack: ReviewPack): HTMLElement {
  return section(
    'alerts',
    rt('secAlerts'),
    pack.alerts.length === 0
      ? empty()
      : table(
          [rt('when'), rt('who'), rt('kpi'), rt('severity')],
          pack.alerts.map((a) => [
            localTime(a.at, pack.week.timeZone),
            a.entityId,
            `${loc(a.name)}${a.kpi === '' ? '' : ` · ${a.kpi}`}`,
            a.severity,
          ]),
          'review-alerts',
        ),
  );
}

export interface ActionControls {
  setStatus(item: ActionItem, status: ActionStatus): void;
  add(fields: { title: string; owner: string; dueDate: string }): void;
}

function actionsSection(pack: ReviewPack, controls: ActionControls | null): HTMLElement {
  const status = (item: ActionItem): string | HTMLElement =>
    controls === null
      ? statusText(item.status)
      : h(
          'select',
          {
            class: 'review-status',
            'aria-label': `${rt('statusLabel')}: ${item.title}`,
            'data-item': item.id,
            onchange: (e: Event) => controls.setStatus(item, (e.target as HTMLSelectElement).value as ActionStatus),
          },
          ...ACTION_STATUSES.map((s) => h('option', { value: s, selected: s === item.status }, statusText(s))),
        );
  const overdue = (item: ActionItem) =>
    item.dueDate < pack.week.last && item.status !== 'done' && item.status !== 'dropped';
  const rows = pack.actionItems.map((i) => [
    i.title,
    i.owner,
    overdue(i) ? h('span', { class: 'review-overdue' }, `${i.dueDate} · ${rt('overdue')}`) : i.dueDate,
    status(i),
    i.raisedWeek,
  ]);
  let form: HTMLElement | null = null;
  if (controls !== null) {
    const title = h('input', {
      class: 'review-input',
      name: 'title',
      required: true,
      maxlength: 500,
      placeholder: rt('title'),
      'aria-label': rt('title'),
    });
    const owner = h('input', {
      class: 'review-input',
      name: 'owner',
      required: true,
      maxlength: 200,
      placeholder: rt('owner'),
      'aria-label': rt('owner'),
    });
    const due = h('input', {
      class: 'review-input',
      name: 'dueDate',
      type: 'date',
      required: true,
      'aria-label': rt('due'),
    });
    form = h(
      'form',
      {
        class: 'review-add',
        'data-testid': 'review-add',
        onsubmit: (e: Event) => {
          e.preventDefault();
          controls.add({ title: title.value, owner: owner.value, dueDate: due.value });
        },
      },
      title,
      owner,
      due,
      h('button', { type: 'submit', class: 'btn btn-primary btn-small' }, rt('add')),
    );
  }
  return section(
    'actions',
    rt('secActions'),
    rows.length === 0
      ? empty()
      : table([rt('title'), rt('owner'), rt('due'), rt('statusLabel'), rt('raised')], rows, 'review-actions'),
    form,
  );
}

export function reviewSections(pack: ReviewPack, controls: ActionControls | null): HTMLElement[] {
  return [
    scorecardSection(pack),
    moversSection(pack),
    redLinesSection(pack),
    funnelSection(pack),
    forecastSection(pack),
    alertsSection(pack),
    actionsSection(pack, controls),
  ];
}

function packHeader(stored: StoredPack, restated: boolean): HTMLElement {
  const { pack } = stored;
  const approved = pack.scorecards.filter((c) => c.restatement);
  return h(
    'header',
    { class: 'review-header', 'data-testid': 'review-header' },
    h('h1', { class: 'review-h1' }, rt('reviewTitle', { team: pack.team.teamId })),
    h(
      'p',
      { class: 'review-week' },
      rt('weekRange', { week: pack.week.label, first: pack.week.first, last: pack.week.last }),
    ),
    restated ? h('p', { class: 'review-restated', role: 'note' }, rt('restated')) : null,
    approved.length === 0
      ? null
      : h(
          'p',
          { class: 'review-restated', role: 'note', 'data-testid': 'review-restatements' },
          rt('restatementApproved', { list: approved.map((c) => `${loc(c.name)} #${c.restatement}`).join(', ') }),
        ),
    h(
      'p',
      { class: 'review-meta' },
      rt('generatedAt', { time: localTime(stored.generatedAt, pack.week.timeZone), n: stored.generations }),
      ' · ',
      h(
        'code',
        { class: 'review-hash', title: stored.dataHash },
        rt('dataHash', { hash: stored.dataHash.slice(0, 12) }),
      ),
    ),
  );
}

// Print mode: the server's Chromium opens the page with the pack set beforehand (no sign-in), and waits
// for data-review-ready before printing.
export function printReview(root: HTMLElement, stored: StoredPack): void {
  document.body.classList.add('review-print');
  root.replaceChildren(
    h(
      'article',
      { class: 'review review-printed', 'data-review-ready': '' },
      packHeader(stored, stored.firstHash !== stored.dataHash),
      ...reviewSections(stored.pack, null),
    ),
  );
}

// The signed-in page: #/review/<org>/<team>[/<week>]. A toolbar (weeks, make again, present, PDF, CSV,
// Excel), then the sections; in presenter mode one section fills the screen, keys move between them.
export class ReviewView implements View {
  readonly el: HTMLElement;
  private readonly body = h('div', { class: 'review-body' });
  private readonly toolbar = h('div', { class: 'review-toolbar', 'data-testid': 'review-toolbar' });
  private readonly message = h('p', { class: 'review-message', role: 'status' });
  private readonly counter = h('span', { class: 'review-counter', 'aria-live': 'polite' });
  private weeks: PackWeeks | null = null;
  private stored: StoredPack | null = null;
  private sections: HTMLElement[] = [];
  private slide = 0;
  private presenting = false;
  private readonly path: string;

  constructor(
    private readonly ctx: Ctx,
    private readonly org: string,
    private readonly team: string,
    private week: string | undefined,
    private readonly navigate: (hash: string) => void,
  ) {
    this.path = `/v1/review-packs/${encodeURIComponent(team)}`;
    this.el = h(
      'div',
      { class: 'view view-review review', 'data-testid': 'review-view', 'data-team': team },
      this.toolbar,
      this.message,
      this.body,
    );
    document.addEventListener('keydown', this.onKey);
    document.body.classList.add('review-page');
    void this.load();
  }

  private get canWrite(): boolean {
    const me = this.ctx.me;
    return me.org === this.org && (me.role === 'admin' || (me.role === 'manager' && me.teams.includes(this.team)));
  }

  heading(): Heading {
    const week = this.stored?.pack.week;
    return {
      title: rt('reviewTitle', { team: this.team }),
      subtitle: week === undefined ? '' : rt('weekRange', { week: week.label, first: week.first, last: week.last }),
      crumbs: [
        {
          label: t('teamTitle', { team: this.team }),
          href: `#/team/${encodeURIComponent(this.org)}/${encodeURIComponent(this.team)}`,
        },
        { label: rt('reviewLink') },
      ],
    };
  }

  update(): void {
    // the pack is a closed week's: nothing live to follow
  }

  destroy(): void {
    document.removeEventListener('keydown', this.onKey);
    document.body.classList.remove('review-page');
    this.present(false);
  }

  private async load(): Promise<void> {
    try {
      this.weeks = await getJson<PackWeeks>(this.path);
      const week = this.week ?? this.weeks.lastWeek;
      this.week = week;
      this.stored = await getJson<StoredPack>(`${this.path}/${week}`).catch((err: unknown) => {
        if (err instanceof HttpError && err.status === 404) return null;
        throw err;
      });
      this.render();
    } catch (err) {
      this.message.textContent = `${t('loadFailed')} ${err instanceof Error ? err.message : String(err)}`;
    }
  }

  private async generate(): Promise<void> {
    this.message.textContent = rt('generating');
    try {
      this.stored = await postJson<StoredPack>(`${this.path}/${this.week ?? ''}`);
      this.weeks = await getJson<PackWeeks>(this.path);
      this.message.textContent = '';
      this.render();
    } catch (err) {
      this.message.textContent = `${rt('refused')} ${err instanceof Error ? err.message : String(err)}`;
    }
  }

  private shiftWeek(by: number): void {
    const label = this.stored?.pack.week.label ?? this.week;
    if (label === undefined) return;
    const m = /^(\d{4})-W(\d{2})$/.exec(label);
    if (m === null) return;
    // an ISO week's Thursday decides its year: step 7 days from it
    const year = Number(m[1]);
    const jan4 = Date.UTC(year, 0, 4);
    const monday =
      jan4 - ((new Date(jan4).getUTCDay() + 6) % 7) * 86_400_000 + (Number(m[2]) - 1 + by) * 7 * 86_400_000;
    const thursday = new Date(monday + 3 * 86_400_000);
    const y = thursday.getUTCFullYear();
    const firstJan4 = Date.UTC(y, 0, 4);
    const firstMonday = firstJan4 - ((new Date(firstJan4).getUTCDay() + 6) % 7) * 86_400_000;
    const week = Math.floor((monday - firstMonday) / (7 * 86_400_000)) + 1;
    this.navigate(
      `#/review/${encodeURIComponent(this.org)}/${encodeURIComponent(this.team)}/${y}-W${String(week).padStart(2, '0')}`,
    );
  }

  private async download(kind: 'pdf' | 'results.csv' | 'results.xlsx'): Promise<void> {
    const week = this.stored?.pack.week.label;
    if (week === undefined) return;
    this.message.textContent = rt('generating');
    const token = getToken();
    const res = await fetch(
      `${this.path}/${week}/${kind}?lang=${document.documentElement.lang.startsWith('zh') ? 'zh' : 'en'}`,
      {
        headers: token === null ? {} : { Authorization: `Bearer ${token}` },
      },
    );
    if (!res.ok) {
      this.message.textContent = `${t('loadFailed')} ${res.status} ${await res.text().catch(() => '')}`;
      return;
    }
    const url = URL.createObjectURL(await res.blob());
    const a = h('a', { href: url, download: `${this.team}-${week}-${kind === 'pdf' ? 'review.pdf' : kind}` });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
    this.message.textContent = '';
  }

  private controls(): ActionControls | null {
    if (!this.canWrite) return null;
    return {
      setStatus: (item, status) =>
        void patchJson<ActionItem>(`/v1/action-items/${encodeURIComponent(item.id)}`, { status })
          .then(() => (this.message.textContent = rt('saved')))
          .catch(
            (err: unknown) =>
              (this.message.textContent = `${rt('refused')} ${err instanceof Error ? err.message : String(err)}`),
          ),
      add: (fields) =>
        void postJson<ActionItem>('/v1/action-items', {
          team: this.team,
          week: this.stored?.pack.week.label,
          ...fields,
        })
          .then(() => this.generate())
          .catch(
            (err: unknown) =>
              (this.message.textContent = `${rt('refused')} ${err instanceof Error ? err.message : String(err)}`),
          ),
    };
  }

  private render(): void {
    const button = (label: string, testid: string, run: () => void, primary = false) =>
      h(
        'button',
        {
          type: 'button',
          class: `btn ${primary ? 'btn-primary' : 'btn-ghost'} btn-small`,
          'data-testid': testid,
          onclick: run,
        },
        label,
      );
    const stored = this.stored;
    const tools: (HTMLElement | null)[] = [
      button(`← ${rt('previousWeek')}`, 'review-prev', () => this.shiftWeek(-1)),
      h('span', { class: 'review-toolbar-week' }, stored?.pack.week.label ?? this.week ?? ''),
      button(`${rt('nextWeek')} →`, 'review-next', () => this.shiftWeek(1)),
      this.canWrite
        ? button(
            stored === null ? rt('generate') : rt('regenerate'),
            'review-generate',
            () => void this.generate(),
            stored === null,
          )
        : null,
      stored === null ? null : button(rt('present'), 'review-present', () => this.present(true), true),
      stored === null ? null : button(rt('downloadPdf'), 'review-pdf', () => void this.download('pdf')),
      stored === null ? null : button(rt('downloadCsv'), 'review-csv', () => void this.download('results.csv')),
      stored === null ? null : button(rt('downloadXlsx'), 'review-xlsx', () => void this.download('results.xlsx')),
      this.counter,
    ];
    this.toolbar.replaceChildren(...tools.filter((el): el is HTMLElement => el !== null));
    if (stored === null) {
      this.sections = [];
      this.body.replaceChildren(
        h(
          'p',
          { class: 'review-empty', 'data-testid': 'review-missing' },
          rt('notMade', { week: this.week ?? '' }),
          ' ',
          this.canWrite ? '' : rt('notMadeAsk'),
        ),
      );
      return;
    }
    const restated = stored.firstHash !== stored.dataHash;
    this.sections = reviewSections(stored.pack, this.controls());
    const exit = h(
      'button',
      {
        type: 'button',
        class: 'btn btn-ghost btn-small review-exit',
        'data-testid': 'review-exit',
        onclick: () => this.present(false),
      },
      rt('exitPresent'),
    );
    this.body.replaceChildren(
      packHeader(stored, restated),
      ...this.sections,
      h('div', { class: 'review-presenter-bar' }, exit, h('span', { class: 'review-help' }, rt('presentHelp'))),
    );
    this.el.setAttribute('data-review-ready', '');
    this.show(this.presenting ? this.slide : 0);
  }

  private present(on: boolean): void {
    this.presenting = on;
    document.body.classList.toggle('review-presenting', on);
    this.el.classList.toggle('presenting', on);
    if (on) this.show(0);
    else {
      for (const s of this.sections) s.classList.remove('review-current');
      this.counter.textContent = '';
    }
  }

  private show(index: number): void {
    if (!this.presenting || this.sections.length === 0) return;
    this.slide = Math.max(0, Math.min(this.sections.length - 1, index));
    this.sections.forEach((s, i) => s.classList.toggle('review-current', i === this.slide));
    this.counter.textContent = rt('slideOf', { n: this.slide + 1, m: this.sections.length });
    this.el.setAttribute('data-slide', String(this.slide + 1));
  }

  private readonly onKey = (e: KeyboardEvent): void => {
    if (!this.presenting) return;
    const target = e.target as HTMLElement | null;
    if (target !== null && ['INPUT', 'SELECT', 'TEXTAREA'].includes(target.tagName)) return;
    const moves: Record<string, () => number> = {
      ArrowRight: () => this.slide + 1,
      ArrowDown: () => this.slide + 1,
      PageDown: () => this.slide + 1,
      ' ': () => this.slide + 1,
      ArrowLeft: () => this.slide - 1,
      ArrowUp: () => this.slide - 1,
      PageUp: () => this.slide - 1,
      Home: () => 0,
      End: () => this.sections.length - 1,
    };
    if (e.key === 'Escape') {
      this.present(false);
      e.preventDefault();
      return;
    }
    const move = moves[e.key];
    if (move === undefined) return;
    e.preventDefault();
    this.show(move());
  };
}
