import { api } from '../api';
import { entityOf, instanceOf, type AlertCenter } from '../alert-center';
import { h, Keyed, setAttr, setHidden, setText } from '../dom';
import { bellIcon, closeIcon } from '../icons';
import { loc, locale, prettifyId, t, tKey } from '../i18n';
import type { CardStore } from '../store';
import type { AlertSubject, CurrentAlert, HistoryEntry, Me } from '../types';
import { SubscriptionsTab } from './subscriptions';

type Tab = 'now' | 'history' | 'subscriptions';

const SILENCE_SPANS = [
  ['1h', 3_600_000],
  ['4h', 4 * 3_600_000],
  ['24h', 24 * 3_600_000],
  ['7d', 7 * 86_400_000],
] as const;

const when = (iso: string): string =>
  new Intl.DateTimeFormat(locale(), { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' }).format(
    new Date(iso),
  );

// The bell in the header: the count of firing alerts in the viewer's scope. The count sits on the icon,
// so a change never moves the header.
export class AlertBell {
  readonly el: HTMLButtonElement;
  private readonly count = h('span', { class: 'alert-count num', 'data-testid': 'alert-count', 'aria-hidden': 'true' });

  constructor(onClick: () => void) {
    this.el = h(
      'button',
      {
        type: 'button',
        class: 'alert-bell',
        'data-testid': 'alert-bell',
        'aria-haspopup': 'dialog',
        'aria-expanded': 'false',
        'aria-controls': 'alert-panel',
        onclick: onClick,
      },
      bellIcon(),
      this.count,
    );
  }

  update(firing: number, open: boolean): void {
    setText(this.count, firing > 99 ? '99+' : String(firing));
    setHidden(this.count, firing === 0);
    this.el.classList.toggle('has-firing', firing > 0);
    setAttr(this.el, 'data-count', String(firing));
    setAttr(this.el, 'aria-label', t('alertsBell', { n: firing }));
    setAttr(this.el, 'title', t('alertsBell', { n: firing }));
    setAttr(this.el, 'aria-expanded', String(open));
  }
}

// The wall screen's count: no buttons there.
export class TvAlertCount {
  readonly el = h('span', { class: 'tv-alerts', 'data-testid': 'alert-count', role: 'status' });

  update(firing: number): void {
    this.el.replaceChildren(bellIcon(), h('span', { class: 'num' }, String(firing)));
    this.el.classList.toggle('has-firing', firing > 0);
    setAttr(this.el, 'aria-label', t('tvAlerts', { n: firing }));
    setAttr(this.el, 'data-count', String(firing));
  }
}

// What an alert names, in words: the rule, the KPI (or the total) and the entity with a link to its card.
function describe(a: AlertSubject & { ruleName: { en: string; zh: string } | null }, store: CardStore) {
  const cards = store.cards(entityOf(a));
  const kpi = cards.find((c) => c.score.scorecard === a.scorecard)?.score.kpis.find((k) => k.kpi === a.kpi);
  const kpiName = a.kpi === '' ? t('total') : kpi === undefined ? prettifyId(a.kpi) : loc(kpi.name);
  const rule = a.ruleName === null ? prettifyId(a.rule) : loc(a.ruleName);
  const org = encodeURIComponent(a.orgId);
  const id = encodeURIComponent(a.entityId);
  const [entity, href] =
    a.level === 'org'
      ? [t('orgTitle', { org: a.orgId }), `#/org/${org}`]
      : a.level === 'team'
        ? [t('teamTitle', { team: a.entityId }), `#/team/${org}/${id}`]
        : [t('agentTitle', { agent: a.entityId }), `#/agent/${org}/${id}`];
  return { rule, kpiName, entity, href };
}

interface ItemActions {
  acknowledge(alert: CurrentAlert): Promise<string | null>; // an error to show, or null
  silence(alert: CurrentAlert, spanMs: number, comment: string): Promise<{ done: boolean; text: string }>; // what to show
}

// One alert of the "now" list: severity, rule, KPI and entity, since when, who acknowledged it, and the
// acknowledge and silence buttons (a small form for the silence's span and reason).
class CurrentItem {
  readonly el: HTMLElement;
  private readonly severity = h('span', { class: 'alert-severity' });
  private readonly status = h('span', { class: 'alert-status' });
  private readonly rule = h('strong', { class: 'alert-rule' });
  private readonly what = h('span', { class: 'alert-what' });
  private readonly link = h('a', { class: 'alert-entity' });
  private readonly since = h('span', { class: 'alert-time num' });
  private readonly acked = h('p', { class: 'alert-acked', 'data-testid': 'alert-acked' });
  private readonly silenced = h('p', { class: 'alert-silenced', 'data-testid': 'alert-silenced' });
  private readonly message = h('p', { class: 'alert-message', role: 'alert' });
  private readonly ack: HTMLButtonElement;
  private readonly silenceBtn: HTMLButtonElement;
  private readonly form: HTMLFormElement;
  private readonly span = h('select', { class: 'silence-span', name: 'span' });
  private readonly comment = h('input', {
    class: 'silence-comment',
    name: 'comment',
    type: 'text',
    maxlength: 500,
    required: true,
  });
  private alert: CurrentAlert | null = null;
  private focused = false;

  constructor(
    private readonly store: CardStore,
    private readonly actions: ItemActions,
    private readonly may: { acknowledge: boolean; silence: boolean },
  ) {
    this.ack = h(
      'button',
      {
        type: 'button',
        class: 'btn btn-small btn-primary',
        'data-testid': 'alert-ack',
        onclick: () => void this.onAck(),
      },
      t('alertAck'),
    );
    this.silenceBtn = h(
      'button',
      {
        type: 'button',
        class: 'btn btn-small btn-ghost',
        'data-testid': 'alert-silence',
        'aria-expanded': 'false',
        onclick: () => this.toggleForm(),
      },
      t('alertSilence'),
    );
    for (const [key, ms] of SILENCE_SPANS) this.span.append(h('option', { value: ms }, tKey(`silence_${key}`)));
    setAttr(this.comment, 'placeholder', t('silenceCommentPlaceholder'));
    this.form = h(
      'form',
      { class: 'silence-form', 'data-testid': 'silence-form', onsubmit: (e: Event) => void this.onSilence(e) },
      h('label', {}, h('span', {}, t('silenceFor')), this.span),
      h('label', {}, h('span', {}, t('silenceComment')), this.comment),
      h(
        'div',
        { class: 'silence-buttons' },
        h('button', { type: 'submit', class: 'btn btn-small btn-primary' }, t('alertSilence')),
        h(
          'button',
          { type: 'button', class: 'btn btn-small btn-ghost', onclick: () => this.toggleForm() },
          t('cancel'),
        ),
      ),
    );
    setHidden(this.form, true);
    setHidden(this.message, true);
    this.el = h(
      'article',
      { class: 'alert-item', 'data-testid': 'alert-item' },
      h('div', { class: 'alert-line' }, this.severity, this.status, this.since),
      h('p', { class: 'alert-title' }, this.rule),
      h('p', { class: 'alert-sub' }, this.what, ' · ', this.link),
      this.acked,
      this.silenced,
      may.acknowledge || may.silence
        ? h('div', { class: 'alert-actions' }, may.acknowledge ? this.ack : null, may.silence ? this.silenceBtn : null)
        : null,
      this.form,
      this.message,
    );
  }

  update(alert: CurrentAlert): void {
    this.alert = alert;
    const { rule, kpiName, entity, href } = describe(alert, this.store);
    const severity = alert.severity ?? 'info';
    this.el.className = `alert-item sev-${severity} is-${alert.status}${this.focused ? ' is-focused' : ''}`;
    setAttr(this.el, 'data-alert-id', alert.id === null ? null : String(alert.id));
    setAttr(this.el, 'data-status', alert.status);
    setAttr(this.el, 'data-entity', entityOf(alert));
    setAttr(this.el, 'data-kpi', alert.kpi);
    setText(this.severity, tKey(`severity_${severity}`));
    setText(this.status, tKey(`alert_${alert.status}`));
    setText(this.since, t('alertSince', { time: when(alert.since) }));
    setText(this.rule, rule);
    setText(this.what, kpiName);
    setText(this.link, entity);
    setAttr(this.link, 'href', href);
    const ack = alert.acknowledged;
    setHidden(this.acked, ack === null);
    setText(this.acked, ack === null ? '' : t('alertAcked', { by: ack.by, time: when(ack.at) }));
    // a silence that has ended since the list was read mutes nothing
    const silence = alert.silenced ?? null;
    const muted = silence !== null && Date.parse(silence.until) > Date.now();
    setHidden(this.silenced, !muted);
    setText(
      this.silenced,
      muted ? t('alertSilenced', { time: when(silence.until), by: silence.by, comment: silence.comment }) : '',
    );
    const label = `${rule} · ${kpiName} · ${entity}`;
    setHidden(this.ack, alert.status !== 'firing' || alert.id === null || ack !== null);
    setAttr(this.ack, 'aria-label', t('alertAckLabel', { name: label }));
    setAttr(this.silenceBtn, 'aria-label', t('alertSilenceLabel', { name: label }));
  }

  // the alert a red-line badge opened: outlined for a moment, its first button focused
  focus(): void {
    this.focused = true;
    this.el.classList.add('is-focused');
    this.el.scrollIntoView({ block: 'nearest' });
    (this.may.acknowledge && !this.ack.hidden ? this.ack : this.link).focus({ preventScroll: true });
    window.setTimeout(() => {
      this.focused = false;
      this.el.classList.remove('is-focused');
    }, 2400);
  }

  private show(message: string | null, done = false): void {
    setText(this.message, message ?? '');
    setHidden(this.message, message === null);
    this.message.classList.toggle('is-done', done);
  }

  private async onAck(): Promise<void> {
    if (this.alert === null) return;
    this.ack.disabled = true;
    this.show(await this.actions.acknowledge(this.alert));
    this.ack.disabled = false;
  }

  private toggleForm(): void {
    const open = this.form.hidden;
    setHidden(this.form, !open);
    setAttr(this.silenceBtn, 'aria-expanded', String(open));
    if (open) this.comment.focus();
  }

  private async onSilence(e: Event): Promise<void> {
    e.preventDefault();
    if (this.alert === null) return;
    const comment = this.comment.value.trim();
    if (comment === '') {
      this.show(t('silenceCommentMissing'));
      return;
    }
    const { done, text } = await this.actions.silence(this.alert, Number(this.span.value), comment);
    if (done) this.toggleForm(); // silenced: the form closes, the confirmation stays
    this.show(text, done);
  }
}

// One transition of the history: fired or resolved, when, what, and who acknowledged it.
class HistoryItem {
  readonly el: HTMLElement;
  private readonly kind = h('span', { class: 'alert-status' });
  private readonly at = h('span', { class: 'alert-time num' });
  private readonly rule = h('strong', { class: 'alert-rule' });
  private readonly what = h('span', { class: 'alert-what' });
  private readonly link = h('a', { class: 'alert-entity' });
  private readonly acked = h('p', { class: 'alert-acked' });
  private readonly sent = h('p', { class: 'alert-sent', 'data-testid': 'alert-sent' });

  constructor(private readonly store: CardStore) {
    this.el = h(
      'article',
      { class: 'alert-item', 'data-testid': 'alert-history-item' },
      h('div', { class: 'alert-line' }, this.kind, this.at),
      h('p', { class: 'alert-title' }, this.rule),
      h('p', { class: 'alert-sub' }, this.what, ' · ', this.link),
      this.acked,
      this.sent,
    );
  }

  update(entry: HistoryEntry): void {
    const { rule, kpiName, entity, href } = describe(entry, this.store);
    this.el.className = `alert-item sev-${entry.severity ?? 'info'} is-${entry.kind}`;
    setAttr(this.el, 'data-kind', entry.kind);
    setText(this.kind, tKey(`alert_${entry.kind}`));
    setText(this.at, when(entry.at));
    setText(this.rule, rule);
    setText(this.what, kpiName);
    setText(this.link, entity);
    setAttr(this.link, 'href', href);
    setHidden(this.acked, entry.acknowledged === null);
    setText(
      this.acked,
      entry.acknowledged === null
        ? ''
        : t('alertAcked', { by: entry.acknowledged.by, time: when(entry.acknowledged.at) }),
    );
    const sent = entry.deliveries ?? [];
    setHidden(this.sent, sent.length === 0);
    const list = sent.map((d) => `${d.to} (${d.channel}, ${tKey(`delivery_${d.status}`)})`).join(', ');
    setText(this.sent, sent.length === 0 ? '' : t('alertSentTo', { list }));
  }
}

// The alerts drawer: the alerts now and the history, over the page (it moves nothing underneath).
export class AlertPanel {
  readonly el: HTMLElement;
  private readonly closeBtn: HTMLButtonElement;
  private readonly tabs: Partial<Record<Tab, HTMLButtonElement>>;
  private readonly subscriptions: SubscriptionsTab | null;
  private readonly nowList = h('div', {
    id: 'alert-tabpanel-now',
    class: 'alert-list',
    'data-testid': 'alert-list',
    role: 'tabpanel',
    'aria-labelledby': 'alert-tab-now',
  });
  private readonly historyList = h('div', {
    id: 'alert-tabpanel-history',
    class: 'alert-list',
    'data-testid': 'alert-history',
    role: 'tabpanel',
    'aria-labelledby': 'alert-tab-history',
  });
  private readonly older: HTMLButtonElement;
  private readonly empty = h('p', { class: 'alert-empty' });
  private readonly error = h('p', { class: 'alert-message', role: 'alert' });
  private readonly now: Keyed<CurrentAlert, CurrentItem>;
  private readonly past: Keyed<HistoryEntry, HistoryItem>;
  private tab: Tab = 'now';
  opened = false;

  constructor(
    private readonly center: AlertCenter,
    store: CardStore,
    me: Me,
    private readonly onClose: () => void,
  ) {
    // a wall screen only shows; silencing is for managers and admins (the API refuses agents)
    const may = { acknowledge: me.role !== 'display', silence: me.role === 'manager' || me.role === 'admin' };
    const actions: ItemActions = {
      acknowledge: async (alert) => {
        if (alert.id === null) return null;
        try {
          const ack = await api.acknowledge(alert.id);
          center.acknowledged(alert.id, { by: ack.by, at: ack.at });
          this.update();
          return null;
        } catch (err) {
          return t('alertAckFailed', { error: err instanceof Error ? err.message : String(err) });
        }
      },
      silence: async (alert, spanMs, comment) => {
        const endsAt = new Date(Date.now() + spanMs).toISOString();
        try {
          await api.silence({ matchers: matchersOf(alert), endsAt, comment });
          return { done: true, text: t('silenceDone', { time: when(endsAt) }) };
        } catch (err) {
          return { done: false, text: t('silenceFailed', { error: err instanceof Error ? err.message : String(err) }) };
        }
      },
    };
    this.now = new Keyed(
      this.nowList,
      () => new CurrentItem(store, actions, may),
      (item, alert) => item.update(alert),
    );
    this.past = new Keyed(
      this.historyList,
      () => new HistoryItem(store),
      (item, entry) => item.update(entry),
    );
    const tab = (which: Tab, label: string) =>
      h(
        'button',
        {
          type: 'button',
          role: 'tab',
          id: `alert-tab-${which}`,
          class: 'alert-tab',
          'aria-controls': `alert-tabpanel-${which}`,
          'data-testid': `alert-tab-${which}`,
          onclick: () => this.show(which),
        },
        label,
      );
    // subscribing is for those the API lets subscribe; a wall screen only shows
    const subscribes = me.role === 'admin' || me.role === 'manager' || me.role === 'agent';
    this.subscriptions = subscribes ? new SubscriptionsTab(me) : null;
    this.tabs = {
      now: tab('now', t('alertsNow')),
      history: tab('history', t('alertsHistory')),
      ...(subscribes ? { subscriptions: tab('subscriptions', t('alertsSubscriptions')) } : {}),
    };
    this.closeBtn = h(
      'button',
      { type: 'button', class: 'icon-btn', 'aria-label': t('close'), title: t('close'), onclick: () => this.onClose() },
      closeIcon(),
    );
    this.older = h(
      'button',
      { type: 'button', class: 'btn btn-small btn-ghost alert-older', onclick: () => void center.loadMoreHistory() },
      t('alertsOlder'),
    );
    this.el = h(
      'aside',
      {
        id: 'alert-panel',
        class: 'alert-panel',
        role: 'dialog',
        'aria-modal': 'false',
        'aria-labelledby': 'alert-panel-title',
        'data-testid': 'alert-panel',
        onkeydown: (e: Event) => {
          if ((e as KeyboardEvent).key === 'Escape') this.onClose();
        },
      },
      h(
        'header',
        { class: 'alert-panel-head' },
        h('h2', { id: 'alert-panel-title', class: 'alert-panel-title' }, t('alerts')),
        this.closeBtn,
      ),
      h('div', { class: 'alert-tabs', role: 'tablist' }, ...Object.values(this.tabs)),
      this.error,
      this.empty,
      this.nowList,
      this.historyList,
      this.older,
      this.subscriptions?.el ?? null,
    );
    setHidden(this.el, true);
    this.show('now');
  }

  open(focus?: { entity: string; scorecard: string; kpi: string }): void {
    this.opened = true;
    setHidden(this.el, false);
    this.show('now');
    const target = focus === undefined ? undefined : this.center.find(focus.entity, focus.scorecard, focus.kpi);
    const item =
      target === undefined ? undefined : [...this.now.values()].find((i) => i.el.dataset.alertId === String(target.id));
    if (item !== undefined) item.focus();
    else this.closeBtn.focus();
  }

  close(): void {
    this.opened = false;
    setHidden(this.el, true);
  }

  private show(which: Tab): void {
    this.tab = which;
    for (const [name, button] of Object.entries(this.tabs)) setAttr(button, 'aria-selected', String(name === which));
    if (which === 'subscriptions') this.subscriptions?.shown();
    if (which === 'history' && this.opened) void this.center.refreshHistory();
    this.update();
  }

  update(): void {
    const { center } = this;
    setText(this.error, center.error === null ? '' : t('alertsLoadFailed', { error: center.error }));
    this.now.sync(center.list().map((a) => [instanceOf(a) + String(a.id), a] as const));
    this.past.sync(center.history.map((e) => [String(e.id), e] as const));
    const showingNow = this.tab === 'now';
    const showingHistory = this.tab === 'history';
    const onAlerts = showingNow || showingHistory;
    setHidden(this.nowList, !showingNow);
    setHidden(this.historyList, !showingHistory);
    if (this.subscriptions !== null) setHidden(this.subscriptions.el, onAlerts);
    setHidden(this.error, !onAlerts || center.error === null);
    setHidden(this.older, !showingHistory || center.historyNext === null);
    const none = showingNow ? this.now.size === 0 : this.past.size === 0;
    setText(this.empty, showingNow ? t('alertsNone') : t('alertsHistoryNone'));
    setHidden(this.empty, !onAlerts || !center.loaded || !none);
  }
}

// what a silence from the list matches: this alert's org, entity, KPI and rule
function matchersOf(a: CurrentAlert): { org: string; team?: string; agent?: string; kpi?: string; rule?: string } {
  return {
    org: a.orgId,
    ...(a.level === 'team' ? { team: a.entityId } : {}),
    ...(a.level === 'agent' ? { agent: a.entityId } : {}),
    ...(a.kpi === '' ? {} : { kpi: a.kpi }),
    rule: a.rule,
  };
}
