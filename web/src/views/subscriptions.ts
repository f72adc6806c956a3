import { api, HttpError } from '../api';
import { h, setAttr, setHidden, setText } from '../dom';
import { getLang, t, tKey } from '../i18n';
import {
  ALERT_SEVERITIES,
  CHANNEL_KINDS,
  RULE_KINDS,
  SIGNING_CHANNELS,
  type AlertMatchers,
  type AlertSubscription,
  type ChannelInput,
  type ChannelKind,
  type MatcherValue,
  type Me,
  type PublicChannel,
  type SubscriptionInput,
} from '../types';

const valuesOf = (v: MatcherValue | undefined): string[] => (v === undefined ? [] : typeof v === 'string' ? [v] : v);
// "a@x.cn, b@x.cn" or "T1，T2": commas (either width), semicolons or spaces
const listOf = (text: string): string[] => text.split(/[\s,，;；]+/).filter((s) => s !== '');
// one value stays a value, several a list (as the API takes them)
const matcherOf = (list: readonly string[]): MatcherValue | undefined =>
  list.length === 0 ? undefined : list.length === 1 ? list[0] : [...list];

// A channel in words: its kind and where it goes (the API gives a robot's URL as its origin only: the
// rest is a credential), whether it signs. Never a secret: the API does not return one.
export function channelText(c: PublicChannel): string {
  if (c.kind === 'email') return `${tKey('channel_email')} · ${c.to.join(', ')}`;
  return `${tKey(`channel_${c.kind}`)} · ${c.url}${c.signed ? ` · ${t('subSigned')}` : ''}`;
}

export function matchersText(m: AlertMatchers): string {
  const parts: string[] = [];
  const teams = valuesOf(m.team);
  const agents = valuesOf(m.agent);
  if (teams.length > 0) parts.push(t('subTeams', { list: teams.join(', ') }));
  if (agents.length > 0) parts.push(t('subAgents', { list: agents.join(', ') }));
  const severities = valuesOf(m.severity);
  if (severities.length > 0) parts.push(severities.map((s) => tKey(`severity_${s}`)).join(', '));
  const kinds = valuesOf(m.kind);
  if (kinds.length > 0) parts.push(kinds.map((k) => tKey(`kind_${k}`)).join(', '));
  for (const key of ['org', 'scorecard', 'kpi', 'rule'] as const) {
    const given = valuesOf(m[key]);
    if (given.length > 0) parts.push(`${key}: ${given.join(', ')}`);
  }
  return parts.length === 0 ? t('subEveryAlert') : parts.join(' · ');
}

// The parts of the form a refusal can name; the rest shows above the buttons.
type FieldKey =
  | 'scope'
  | 'team'
  | 'agent'
  | 'severity'
  | 'kind'
  | 'channelKind'
  | 'url'
  | 'secret'
  | 'to'
  | 'language'
  | 'quietFrom'
  | 'quietTo'
  | 'form';

// the API's field (`channel.url`, `matchers.team`, `quietHours.from`) as the form's
function fieldOf(field: string): FieldKey {
  switch (field) {
    case 'matchers.team':
      return 'team';
    case 'matchers.agent':
      return 'agent';
    case 'matchers.severity':
      return 'severity';
    case 'matchers.kind':
      return 'kind';
    case 'channel':
    case 'channel.kind':
      return 'channelKind';
    case 'channel.url':
      return 'url';
    case 'channel.secret':
      return 'secret';
    case 'channel.to':
      return 'to';
    case 'language':
      return 'language';
    case 'quietHours':
    case 'quietHours.from':
      return 'quietFrom';
    case 'quietHours.to':
      return 'quietTo';
    default:
      return field.startsWith('matchers') ? 'scope' : 'form';
  }
}

// A refusal in the page's language: what is wrong by its code, then the API's reason (without the field
// it starts with: the message sits under that field).
function refusalText(err: unknown): { field: FieldKey; text: string } {
  if (!(err instanceof HttpError)) return { field: 'form', text: err instanceof Error ? err.message : String(err) };
  const reason =
    err.field !== null && err.message.startsWith(`${err.field}: `)
      ? err.message.slice(err.field.length + 2)
      : err.message;
  const what = err.code === null ? null : tKey(`code_${err.code}`);
  const known = what !== null && what !== `code_${err.code}`;
  return {
    field: err.field === null ? 'form' : fieldOf(err.field),
    text: known ? t('fieldRefusal', { what, reason }) : reason,
  };
}

let ids = 0;

// One labelled part of the form: its label (none: its fieldset's legend says it), control(s), a hint, and
// the line a refusal of it shows on.
function field(
  label: string | Node | null,
  control: HTMLElement,
  key: string,
  hint?: HTMLElement,
): { el: HTMLElement; error: HTMLElement; control: HTMLElement } {
  const id = `sub-${key}-${++ids}`;
  const error = h('p', { id: `${id}-error`, class: 'field-error', role: 'alert', 'data-testid': `sub-error-${key}` });
  setHidden(error, true);
  const grouped = control.tagName === 'FIELDSET' || control.tagName === 'DIV';
  if (!grouped) setAttr(control, 'id', id);
  setAttr(control, 'aria-describedby', `${id}-error`);
  const el = h(
    'div',
    { class: 'sub-field' },
    label === null
      ? null
      : grouped
        ? h('span', { class: 'sub-label', id: `${id}-label` }, label)
        : h('label', { class: 'sub-label', for: id }, label),
    control,
    hint ?? null,
    error,
  );
  if (grouped && label !== null) setAttr(control, 'aria-labelledby', `${id}-label`);
  // a refusal stands until the field is changed
  control.addEventListener('input', () => {
    setHidden(error, true);
    setAttr(control, 'aria-invalid', null);
  });
  return { el, error, control };
}

function checkboxes(
  name: string,
  options: readonly (readonly [value: string, label: string])[],
): {
  el: HTMLElement;
  boxes: HTMLInputElement[];
} {
  const boxes = options.map(([value]) => h('input', { type: 'checkbox', name, value }));
  const el = h(
    'div',
    { class: 'sub-checks', role: 'group', 'data-testid': `sub-${name}` },
    ...options.map(([, label], i) => h('label', { class: 'sub-check' }, boxes[i] ?? null, h('span', {}, label))),
  );
  return { el, boxes };
}

const ticked = (boxes: readonly HTMLInputElement[]): string[] => boxes.filter((b) => b.checked).map((b) => b.value);
const tick = (boxes: readonly HTMLInputElement[], values: readonly string[]): void => {
  for (const b of boxes) b.checked = values.includes(b.value);
};

// The form to subscribe or change a subscription. What it offers follows the viewer's role, as the API
// does: an agent their own alerts (no choice), a manager their teams, an admin any team or agent of the
// org. Secrets are write-only: a stored one is never shown, and an empty secret keeps it.
class SubscriptionForm {
  readonly el: HTMLFormElement;
  private readonly title = h('h3', { class: 'sub-form-title' });
  private readonly fields = new Map<FieldKey, { el: HTMLElement; error: HTMLElement; control: HTMLElement }>();
  private readonly teams: HTMLInputElement[] = [];
  private readonly team = h('input', {
    type: 'text',
    name: 'team',
    autocomplete: 'off',
    placeholder: t('subAnyPlaceholder'),
  });
  private readonly agent = h('input', {
    type: 'text',
    name: 'agent',
    autocomplete: 'off',
    placeholder: t('subAnyPlaceholder'),
  });
  private readonly severities: HTMLInputElement[];
  private readonly kinds: HTMLInputElement[];
  private readonly kind = h('select', { name: 'channel', 'data-testid': 'sub-channel-kind' });
  private readonly url = h('input', {
    type: 'text',
    name: 'url',
    inputmode: 'url',
    autocomplete: 'off',
    spellcheck: 'false',
  });
  private readonly secret = h('input', { type: 'password', name: 'secret', autocomplete: 'new-password' });
  private readonly secretLabel = h('span');
  private readonly to = h('input', { type: 'text', name: 'to', inputmode: 'email', autocomplete: 'off' });
  private readonly stored = h('p', { class: 'sub-hint', 'data-testid': 'sub-stored-channel' });
  private readonly language = h('select', { name: 'language' });
  private readonly quiet = h('input', { type: 'checkbox', name: 'quiet' });
  private readonly quietFrom = h('input', { type: 'time', name: 'quietFrom', value: '22:00' });
  private readonly quietTo = h('input', { type: 'time', name: 'quietTo', value: '08:00' });
  private readonly quietTimes: HTMLElement;
  private readonly submit = h('button', {
    type: 'submit',
    class: 'btn btn-small btn-primary',
    'data-testid': 'sub-submit',
  });
  private readonly formError = h('p', { class: 'field-error', role: 'alert', 'data-testid': 'sub-error-form' });
  private editing: AlertSubscription | null = null;

  constructor(
    private readonly me: Me,
    private readonly saved: (subscription: AlertSubscription) => void,
    cancel: () => void,
  ) {
    const put = (key: FieldKey, f: { el: HTMLElement; error: HTMLElement; control: HTMLElement }) => {
      this.fields.set(key, f);
      return f.el;
    };
    // the scope: what the role may subscribe to
    let scope: HTMLElement[];
    if (me.role === 'agent') {
      const text = me.agent === undefined ? t('subScopeNoAgent') : t('subScopeAgent', { agent: me.agent });
      scope = [put('scope', field(null, h('div', { class: 'sub-fixed', 'data-testid': 'sub-scope' }, text), 'scope'))];
    } else if (me.role === 'manager') {
      const { el, boxes } = checkboxes(
        'team',
        me.teams.map((team) => [team, t('teamTitle', { team })] as const),
      );
      this.teams.push(...boxes);
      scope = [put('team', field(t('subScopeTeams'), el, 'team'))];
    } else {
      scope = [
        put('team', field(t('subTeam'), this.team, 'team')),
        put('agent', field(t('subAgent'), this.agent, 'agent')),
      ];
    }
    const severities = checkboxes(
      'severity',
      ALERT_SEVERITIES.map((s) => [s, tKey(`severity_${s}`)] as const),
    );
    this.severities = severities.boxes;
    const kinds = checkboxes(
      'kind',
      RULE_KINDS.map((k) => [k, tKey(`kind_${k}`)] as const),
    );
    this.kinds = kinds.boxes;
    for (const kind of CHANNEL_KINDS) this.kind.append(h('option', { value: kind }, tKey(`channel_${kind}`)));
    this.kind.addEventListener('change', () => this.showChannel());
    for (const lang of ['zh', 'en'] as const) this.language.append(h('option', { value: lang }, tKey(`lang_${lang}`)));
    this.quiet.addEventListener('change', () => setHidden(this.quietTimes, !this.quiet.checked));
    const from = field(t('subQuietFrom'), this.quietFrom, 'quietFrom');
    const until = field(t('subQuietTo'), this.quietTo, 'quietTo');
    this.fields.set('quietFrom', from);
    this.fields.set('quietTo', until);
    this.quietTimes = h('div', { class: 'sub-times' }, from.el, until.el);
    this.fields.set('form', { el: this.formError, error: this.formError, control: this.submit });
    this.el = h(
      'form',
      {
        class: 'sub-form',
        'data-testid': 'subscription-form',
        novalidate: true,
        onsubmit: (e: Event) => void this.onSubmit(e),
      },
      this.title,
      h('fieldset', { class: 'sub-group' }, h('legend', {}, t('subScope')), ...scope),
      put('severity', field(t('subSeverity'), severities.el, 'severity')),
      put('kind', field(t('subKind'), kinds.el, 'kind')),
      h(
        'fieldset',
        { class: 'sub-group' },
        h('legend', {}, t('subChannel')),
        put('channelKind', field(t('subChannelKind'), this.kind, 'channel-kind')),
        this.stored,
        put('url', field(t('subUrl'), this.url, 'url')),
        put(
          'secret',
          field(this.secretLabel, this.secret, 'secret', h('p', { class: 'sub-hint' }, t('subSecretHint'))),
        ),
        put('to', field(t('subTo'), this.to, 'to')),
      ),
      put('language', field(t('subLanguage'), this.language, 'language')),
      h(
        'div',
        { class: 'sub-field' },
        h('label', { class: 'sub-check' }, this.quiet, h('span', {}, t('subQuietHours'))),
        this.quietTimes,
      ),
      this.formError,
      h(
        'div',
        { class: 'silence-buttons' },
        this.submit,
        h('button', { type: 'button', class: 'btn btn-small btn-ghost', onclick: cancel }, t('cancel')),
      ),
    );
    setHidden(this.formError, true);
  }

  // empty for a new subscription, or the stored one's fields (its secret stays unknown)
  open(sub: AlertSubscription | null): void {
    this.editing = sub;
    this.clearErrors();
    setText(this.title, sub === null ? t('subNewTitle') : t('subEditTitle'));
    setText(this.submit, sub === null ? t('subCreate') : t('subSave'));
    this.submit.disabled = false;
    const m = sub?.matchers ?? {};
    tick(this.teams, sub === null && this.teams.length === 1 ? [this.me.teams[0] ?? ''] : valuesOf(m.team));
    this.team.value = valuesOf(m.team).join(', ');
    this.agent.value = valuesOf(m.agent).join(', ');
    tick(this.severities, valuesOf(m.severity));
    tick(this.kinds, valuesOf(m.kind));
    this.kind.value = sub?.channel.kind ?? 'webhook';
    this.url.value = '';
    this.secret.value = '';
    this.to.value = sub?.channel.kind === 'email' ? sub.channel.to.join(', ') : '';
    this.language.value = sub?.language ?? getLang();
    this.quiet.checked = (sub?.quietHours ?? null) !== null;
    this.quietFrom.value = sub?.quietHours?.from ?? '22:00';
    this.quietTo.value = sub?.quietHours?.to ?? '08:00';
    setHidden(this.quietTimes, !this.quiet.checked);
    this.showChannel();
  }

  private showChannel(): void {
    const kind = this.kind.value as ChannelKind;
    const stored = this.editing?.channel;
    const keeping = stored !== undefined && stored.kind !== 'email' && stored.kind === kind;
    setHidden(this.stored, stored === undefined);
    setText(this.stored, stored === undefined ? '' : t('subStored', { channel: channelText(stored) }));
    this.show('url', kind !== 'email');
    this.show('secret', SIGNING_CHANNELS.includes(kind));
    this.show('to', kind === 'email');
    setAttr(this.url, 'placeholder', keeping ? t('subUrlKeep') : 'https://');
    setText(this.secretLabel, kind === 'webhook' ? t('subSecret') : t('subSecretOptional'));
  }

  private show(key: FieldKey, shown: boolean): void {
    const f = this.fields.get(key);
    if (f !== undefined) setHidden(f.el, !shown);
  }

  // What to send: the matchers the form sets over the stored ones it does not show (an admin's scorecard
  // or KPI matcher set over the API stays); a channel only when one is given (none keeps the stored one).
  private input(): SubscriptionInput {
    const matchers: AlertMatchers = { ...(this.editing?.matchers ?? {}) };
    const set = (key: keyof AlertMatchers, list: readonly string[]) => {
      const value = matcherOf(list);
      if (value === undefined) delete matchers[key];
      else matchers[key] = value;
    };
    if (this.me.role === 'agent') set('agent', this.me.agent === undefined ? [] : [this.me.agent]);
    else if (this.me.role === 'manager') set('team', ticked(this.teams));
    else {
      set('team', listOf(this.team.value));
      set('agent', listOf(this.agent.value));
    }
    set('severity', ticked(this.severities));
    set('kind', ticked(this.kinds));
    const input: SubscriptionInput = {
      matchers,
      language: this.language.value === 'en' ? 'en' : 'zh',
      quietHours: this.quiet.checked ? { from: this.quietFrom.value, to: this.quietTo.value } : null,
    };
    const channel = this.channel();
    if (channel !== null) input.channel = channel;
    return input;
  }

  private channel(): ChannelInput | null {
    const kind = this.kind.value as ChannelKind;
    const stored = this.editing?.channel;
    if (kind === 'email') {
      const to = listOf(this.to.value);
      const same = stored?.kind === 'email' && to.join(',') === stored.to.join(',');
      return same ? null : { kind, to };
    }
    const url = this.url.value.trim();
    const secret = this.secret.value;
    // an edit that leaves the channel alone sends none: the stored URL and secret stay
    if (stored?.kind === kind && url === '' && secret === '') return null;
    return { kind, url, ...(secret === '' ? {} : { secret }) };
  }

  private async onSubmit(e: Event): Promise<void> {
    e.preventDefault();
    this.clearErrors();
    this.submit.disabled = true;
    setText(this.submit, t('subSaving'));
    try {
      const input = this.input();
      const sub =
        this.editing === null ? await api.subscribe(input) : await api.changeSubscription(this.editing.id, input);
      this.secret.value = '';
      this.saved(sub);
    } catch (err) {
      const { field: key, text } = refusalText(err);
      const f = this.fields.get(key) ?? this.fields.get('scope') ?? this.fields.get('form');
      const shown = f !== undefined && !f.el.hidden ? f : this.fields.get('form');
      if (shown !== undefined) {
        setText(shown.error, shown === this.fields.get('form') ? t('subRefused', { error: text }) : text);
        setHidden(shown.error, false);
        setAttr(shown.control, 'aria-invalid', 'true');
        shown.error.scrollIntoView({ block: 'nearest' });
        if (shown.control instanceof HTMLInputElement || shown.control instanceof HTMLSelectElement)
          shown.control.focus({ preventScroll: true });
      }
    } finally {
      this.submit.disabled = false;
      setText(this.submit, this.editing === null ? t('subCreate') : t('subSave'));
    }
  }

  private clearErrors(): void {
    for (const f of this.fields.values()) {
      setHidden(f.error, true);
      setText(f.error, '');
      setAttr(f.control, 'aria-invalid', null);
    }
  }
}

// The viewer's subscriptions (an admin: the org's), in the alerts drawer: each with its channel, target,
// matchers, language and quiet hours, to edit or delete; and the form to subscribe.
export class SubscriptionsTab {
  readonly el: HTMLElement;
  private readonly list = h('div', { class: 'alert-list', 'data-testid': 'subscription-list' });
  private readonly empty = h('p', { class: 'alert-empty' }, t('subNone'));
  private readonly status = h('p', { class: 'alert-message', role: 'status', 'data-testid': 'subscription-status' });
  private readonly add: HTMLButtonElement;
  private readonly form: SubscriptionForm;
  private subscriptions: AlertSubscription[] = [];
  private loaded = false;
  private formOpen = false;

  constructor(private readonly me: Me) {
    this.form = new SubscriptionForm(
      me,
      (sub) => void this.afterSave(sub),
      () => this.closeForm(),
    );
    const mayAdd = me.role !== 'agent' || me.agent !== undefined;
    this.add = h(
      'button',
      {
        type: 'button',
        class: 'btn btn-small btn-primary',
        'data-testid': 'subscription-add',
        onclick: () => this.openForm(null),
      },
      t('subNew'),
    );
    setHidden(this.add, !mayAdd);
    this.el = h(
      'div',
      {
        id: 'alert-tabpanel-subscriptions',
        class: 'sub-tab',
        role: 'tabpanel',
        'aria-labelledby': 'alert-tab-subscriptions',
      },
      h('div', { class: 'sub-head' }, h('p', { class: 'sub-intro' }, t('subIntro')), this.add),
      this.status,
      this.form.el,
      this.empty,
      this.list,
    );
    setHidden(this.form.el, true);
    setHidden(this.status, true);
    setHidden(this.empty, true);
  }

  // the tab is shown: read the list once (again after each change)
  shown(): void {
    if (!this.loaded) void this.load();
  }

  private async load(): Promise<void> {
    try {
      this.subscriptions = await api.subscriptions();
      this.loaded = true;
      this.say(null);
    } catch (err) {
      this.say(t('subLoadFailed', { error: err instanceof Error ? err.message : String(err) }));
    }
    this.render();
  }

  private say(text: string | null, done = false): void {
    setText(this.status, text ?? '');
    setHidden(this.status, text === null);
    this.status.classList.toggle('is-done', done);
  }

  private openForm(sub: AlertSubscription | null): void {
    this.formOpen = true;
    this.say(null);
    this.form.open(sub);
    this.render();
    this.form.el.scrollIntoView({ block: 'start' });
    this.form.el.querySelector<HTMLElement>('input:not([type="hidden"]), select')?.focus({ preventScroll: true });
  }

  private closeForm(): void {
    this.formOpen = false;
    this.render();
    this.add.focus();
  }

  private async afterSave(sub: AlertSubscription): Promise<void> {
    this.formOpen = false;
    await this.load();
    this.say(t('subSaved'), true);
    this.list.querySelector(`[data-id="${CSS.escape(sub.id)}"]`)?.scrollIntoView({ block: 'nearest' });
  }

  private render(): void {
    setHidden(this.form.el, !this.formOpen);
    setHidden(this.list, this.formOpen);
    setHidden(this.add, this.formOpen || (this.me.role === 'agent' && this.me.agent === undefined));
    setHidden(this.empty, this.formOpen || !this.loaded || this.subscriptions.length > 0);
    this.list.replaceChildren(...this.subscriptions.map((s) => this.row(s)));
  }

  private row(sub: AlertSubscription): HTMLElement {
    const name = `${matchersText(sub.matchers)} · ${channelText(sub.channel)}`;
    const message = h('p', { class: 'alert-message', role: 'alert' });
    setHidden(message, true);
    const remove = h(
      'button',
      {
        type: 'button',
        class: 'btn btn-small btn-ghost',
        'data-testid': 'subscription-delete',
        'aria-label': t('subDeleteLabel', { name }),
      },
      t('subDelete'),
    );
    // the first click asks, the second deletes
    let armed = false;
    remove.addEventListener('click', () => {
      if (!armed) {
        armed = true;
        remove.classList.add('btn-danger');
        setText(remove, t('subDeleteConfirm'));
        return;
      }
      remove.disabled = true;
      api.unsubscribe(sub.id).then(
        () => void this.load(),
        (err: unknown) => {
          remove.disabled = false;
          setText(message, t('subDeleteFailed', { error: err instanceof Error ? err.message : String(err) }));
          setHidden(message, false);
        },
      );
    });
    const quiet = sub.quietHours === null ? t('subNoQuiet') : t('subQuiet', { ...sub.quietHours });
    return h(
      'article',
      { class: 'alert-item sub-item', 'data-testid': 'subscription-item', 'data-id': sub.id },
      h('p', { class: 'alert-title sub-channel', 'data-testid': 'subscription-channel' }, channelText(sub.channel)),
      h('p', { class: 'alert-sub', 'data-testid': 'subscription-matchers' }, matchersText(sub.matchers)),
      h(
        'p',
        { class: 'alert-sub sub-meta' },
        tKey(`lang_${sub.language}`),
        ' · ',
        quiet,
        this.me.role === 'admin' ? ` · ${t('subOwner', { who: sub.owner.subject })}` : null,
      ),
      h(
        'div',
        { class: 'alert-actions' },
        h(
          'button',
          {
            type: 'button',
            class: 'btn btn-small btn-ghost',
            'data-testid': 'subscription-edit',
            'aria-label': t('subEditLabel', { name }),
            onclick: () => this.openForm(sub),
          },
          t('subEdit'),
        ),
        remove,
      ),
      message,
    );
  }
}
