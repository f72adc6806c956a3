import { getJson, HttpError } from '../api';
import { getToken } from '../auth';
import { h, setHidden, setText } from '../dom';
import { t, tKey } from '../i18n';

// The preview's answer (libs/preview PreviewReport), as much of it as the page shows.
interface Outcome {
  total: number | null;
  grade: string | null;
  redLines: string[];
}
interface Change {
  entity: { level: string; id: string };
  before: Outcome | null;
  after: Outcome | null;
  delta: number | null;
}
interface Tally {
  cards: number;
  grades: Record<string, number>;
  withRedLines: number;
  meanTotal: number | null;
}
interface ScorecardDiff {
  scorecard: string;
  period: 'earlier' | 'previous' | 'current';
  periodStart: string;
  periodEnd: string;
  closed: boolean;
  covered: boolean;
  before: Tally | null;
  after: Tally | null;
  changed: { totals: number; grades: number; redLines: number };
  movers: Change[];
}
interface Preview {
  asOf: string;
  from: string;
  scored: { entities: number; cards: number };
  scorecards: ScorecardDiff[];
}
// A period's last day from its exclusive end (local time in the org's zone, as the answer writes it): the
// day before the end's date, by calendar arithmetic, so a November card reads 11-01 – 11-30 as the
// review page writes it.
const lastDayOf = (periodEnd: string): string =>
  new Date(Date.parse(`${periodEnd.slice(0, 10)}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);

interface Progress {
  entities: number;
  total: number;
}

const MOVERS = 5;
const count = (n: number): string => n.toLocaleString();
const num = (n: number | null | undefined): string => (n === null || n === undefined ? '—' : n.toFixed(1));
const grades = (tally: Tally | null): string =>
  tally === null
    ? '—'
    : Object.entries(tally.grades)
        .map(([grade, n]) => `${grade} ${n}`)
        .join(' · ') || '—';
const side = (o: Outcome | null): string =>
  o === null ? '—' : `${num(o.total)} ${o.grade ?? ''}${o.redLines.length > 0 ? ` (${t('redLine')})` : ''}`;

// POST /v1/definitions/preview, its NDJSON read as it comes: progress to the callback, the preview returned.
async function runPreview(draft: string, onProgress: (p: Progress) => void): Promise<Preview> {
  const token = getToken();
  const headers: Record<string, string> = { 'Content-Type': 'application/yaml', Accept: 'application/x-ndjson' };
  if (token !== null) headers.Authorization = `Bearer ${token}`;
  const res = await fetch('/v1/definitions/preview', { method: 'POST', headers, body: draft, cache: 'no-store' });
  if (!res.ok || res.body === null) {
    const text = await res.text();
    let message = text;
    try {
      const body = JSON.parse(text) as { message?: string; errors?: string[] };
      message = [body.message ?? '', ...(body.errors ?? [])].filter((m) => m !== '').join('\n');
    } catch {
      // not JSON
    }
    throw new HttpError(res.status, message || `${res.status}`);
  }
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let buffered = '';
  let preview: Preview | undefined;
  const take = (line: string): void => {
    if (line.trim() === '') return;
    const parsed = JSON.parse(line) as { progress?: Progress; preview?: Preview; error?: { message: string } };
    if (parsed.progress !== undefined) onProgress(parsed.progress);
    if (parsed.error !== undefined) throw new Error(parsed.error.message);
    if (parsed.preview !== undefined) preview = parsed.preview;
  };
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    buffered += decoder.decode(value, { stream: true });
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    lines.forEach(take);
  }
  take(buffered);
  if (preview === undefined) throw new Error('the preview ended without an answer');
  return preview;
}

// The org's KPI definitions for its admins: the draft (the version in force to start from), its what-if
// preview on the org's recent events with a progress bar, and only then the publish button.
export class DefinitionsPanel {
  readonly el: HTMLElement;
  private readonly draft = h('textarea', {
    class: 'definitions-draft',
    rows: 14,
    spellcheck: 'false',
    'data-testid': 'definitions-draft',
    'aria-label': t('definitionsTitle'),
  });
  private readonly previewButton = h('button', { type: 'button', class: 'btn btn-small btn-primary' }, t('previewRun'));
  private readonly publishButton = h(
    'button',
    { type: 'button', class: 'btn btn-small', disabled: true },
    t('publishRun'),
  );
  private readonly bar = h('progress', {
    class: 'preview-progress',
    max: 1,
    value: 0,
    'data-testid': 'preview-progress',
  });
  private readonly status = h('p', { class: 'preview-status', role: 'status' });
  private readonly results = h('div', { class: 'preview-results', 'data-testid': 'preview-results' });
  private previewed: string | null = null; // the draft text the shown preview is of

  constructor() {
    this.el = h(
      'section',
      { class: 'panel definitions', 'data-testid': 'org-definitions' },
      h('header', { class: 'section-head' }, h('h2', { class: 'section-title' }, t('definitionsTitle'))),
      h('p', { class: 'muted' }, t('definitionsIntro')),
      this.draft,
      h('div', { class: 'definitions-actions' }, this.previewButton, this.bar, this.status),
      this.results,
      h(
        'div',
        { class: 'definitions-actions' },
        this.publishButton,
        h('span', { class: 'muted' }, t('publishNeedsPreview')),
      ),
    );
    setHidden(this.bar, true);
    this.previewButton.addEventListener('click', () => void this.preview());
    this.publishButton.addEventListener('click', () => void this.publish());
    this.draft.addEventListener('input', () => {
      this.publishButton.disabled = this.draft.value !== this.previewed;
    });
    void this.load();
  }

  private async load(): Promise<void> {
    try {
      const current = await getJson<{ source: string }>('/v1/definitions/current');
      this.draft.value = current.source;
    } catch (err) {
      setText(this.status, err instanceof HttpError && err.status === 404 ? t('definitionsNone') : String(err));
    }
  }

  private async preview(): Promise<void> {
    const draft = this.draft.value;
    this.previewButton.disabled = true;
    this.publishButton.disabled = true;
    this.bar.value = 0;
    setHidden(this.bar, false);
    setText(this.status, '');
    this.results.replaceChildren();
    try {
      const preview = await runPreview(draft, (p) => {
        this.bar.value = p.total === 0 ? 1 : p.entities / p.total;
        setText(this.status, t('previewRunning', { entities: count(p.entities), total: count(p.total) }));
      });
      setText(
        this.status,
        t('previewDone', {
          entities: count(preview.scored.entities),
          from: preview.from,
          asOf: preview.asOf,
        }),
      );
      this.results.replaceChildren(...preview.scorecards.map((d) => this.scorecard(d)));
      this.previewed = draft;
      this.publishButton.disabled = this.draft.value !== draft;
    } catch (err) {
      setText(this.status, err instanceof Error ? err.message : String(err));
    } finally {
      this.previewButton.disabled = false;
      setHidden(this.bar, true);
    }
  }

  private scorecard(d: ScorecardDiff): HTMLElement {
    const moved = d.changed.grades + d.changed.totals + d.changed.redLines > 0;
    return h(
      'article',
      { class: `preview-card${moved ? ' moved' : ''}`, 'data-scorecard': d.scorecard, 'data-period': d.period },
      h(
        'h3',
        {},
        d.scorecard,
        h(
          'span',
          { class: 'muted' },
          ` · ${tKey(`previewPeriod_${d.period}`)} ${d.periodStart.slice(0, 10)} – ${lastDayOf(d.periodEnd)}`,
        ),
        d.period === 'current'
          ? null
          : d.closed
            ? h('span', { class: 'preview-closed' }, ` · ${t('previewClosed')}`)
            : h('span', { class: 'preview-partial' }, ` · ${t('previewNotClosed')}`),
        d.covered ? null : h('span', { class: 'preview-partial' }, ` · ${t('previewPartial')}`),
      ),
      h(
        'table',
        { class: 'preview-table' },
        h(
          'tbody',
          {},
          h(
            'tr',
            {},
            h('th', {}, t('previewGrades')),
            h('td', {}, grades(d.before)),
            h('td', {}, '→'),
            h('td', {}, grades(d.after)),
          ),
          h(
            'tr',
            {},
            h('th', {}, t('previewRedLines')),
            h('td', { class: 'num' }, String(d.before?.withRedLines ?? 0)),
            h('td', {}, '→'),
            h('td', { class: 'num' }, String(d.after?.withRedLines ?? 0)),
          ),
          h(
            'tr',
            {},
            h('th', {}, t('previewMeanTotal')),
            h('td', { class: 'num' }, num(d.before?.meanTotal)),
            h('td', {}, '→'),
            h('td', { class: 'num' }, num(d.after?.meanTotal)),
          ),
        ),
      ),
      h('p', { class: 'preview-changed' }, moved ? t('previewChanged', d.changed) : t('previewNoChange')),
      d.movers.length === 0
        ? null
        : h(
            'ol',
            { class: 'preview-movers', 'aria-label': t('previewMovers') },
            ...d.movers
              .slice(0, MOVERS)
              .map((m) =>
                h(
                  'li',
                  { 'data-entity': m.entity.id },
                  h('strong', {}, m.entity.id),
                  ` ${side(m.before)} → ${side(m.after)}`,
                  m.delta === null
                    ? null
                    : h(
                        'span',
                        { class: m.delta < 0 ? 'down' : 'up' },
                        ` (${m.delta > 0 ? '+' : ''}${m.delta.toFixed(1)})`,
                      ),
                ),
              ),
          ),
    );
  }

  private async publish(): Promise<void> {
    this.publishButton.disabled = true;
    try {
      const token = getToken();
      const res = await fetch('/v1/definitions', {
        method: 'POST',
        headers: {
          'Content-Type': 'application/yaml',
          ...(token === null ? {} : { Authorization: `Bearer ${token}` }),
        },
        body: this.draft.value,
      });
      const body = (await res.json()) as { version?: number; message?: string };
      setText(
        this.status,
        res.ok ? t('publishDone', { version: body.version ?? '?' }) : (body.message ?? `${res.status}`),
      );
    } catch (err) {
      setText(this.status, err instanceof Error ? err.message : String(err));
    }
  }
}
