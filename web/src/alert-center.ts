import { api } from './api';
import type {
  Acknowledgement,
  AlertNews,
  AlertPending,
  AlertRecord,
  AlertSubject,
  CurrentAlert,
  HistoryEntry,
} from './types';

const HISTORY_KEPT = 200; // transitions kept on the page (older ones: "more")

// one instance of a rule (the server's instance key, built without a separator an id could hold)
export const instanceOf = (a: AlertSubject): string =>
  JSON.stringify([a.orgId, a.scorecard, a.rule, a.kpi, a.level, a.entityId, a.periodStart]);

// `level:org:id`, as the card store names an entity (org:<org> for the org)
export const entityOf = (a: Pick<AlertSubject, 'level' | 'orgId' | 'entityId'>): string =>
  a.level === 'org' ? `org:${a.orgId}` : `${a.level}:${a.orgId}:${a.entityId}`;

// The alerts of the viewer's scope: read over REST, kept current by the socket's pushes. A push that
// arrives while the list loads is applied after it (applying one twice changes nothing).
export class AlertCenter {
  readonly current = new Map<string, CurrentAlert>();
  history: HistoryEntry[] = [];
  historyNext: number | null = null;
  firing = 0;
  loaded = false;
  error: string | null = null;
  private truncated = false; // the scope holds more than the list: counts come from the server
  private loading: Promise<void> | null = null;
  private again = false;
  private buffered: AlertNews[] = [];

  constructor(private readonly changed: () => void) {}

  // the whole list again (at start, after a reconnect, after a storm)
  load(): Promise<void> {
    if (this.loading !== null) {
      this.again = true;
      return this.loading;
    }
    this.loading = (async () => {
      try {
        const [now, history] = await Promise.all([api.alerts(), api.alertHistory()]);
        this.current.clear();
        for (const alert of now.alerts) this.current.set(instanceOf(alert), alert);
        this.firing = now.firing;
        this.truncated = now.alerts.length < now.firing + now.pending;
        this.history = history.transitions;
        this.historyNext = history.next;
        this.loaded = true;
        this.error = null;
      } catch (err) {
        this.error = err instanceof Error ? err.message : String(err);
      }
      this.loading = null;
      const buffered = this.buffered;
      this.buffered = [];
      for (const news of buffered) this.receive(news);
      this.changed();
      if (this.again) {
        this.again = false;
        await this.load();
      }
    })();
    return this.loading;
  }

  // the newest page again: who each transition was sent to is known only after its delivery, which a
  // push does not announce (read when the history is opened)
  async refreshHistory(): Promise<void> {
    if (this.loading !== null) return;
    let page: { transitions: HistoryEntry[] };
    try {
      page = await api.alertHistory();
    } catch {
      return; // the history shown stays; the next opening tries again
    }
    const fresh = new Map(page.transitions.map((e) => [e.id, e]));
    this.history = this.history.map((e) => fresh.get(e.id) ?? e);
    const known = new Set(this.history.map((e) => e.id));
    this.history.push(...page.transitions.filter((e) => !known.has(e.id)));
    this.history.sort((a, b) => b.id - a.id);
    if (this.history.length > HISTORY_KEPT) this.history.length = HISTORY_KEPT;
    this.changed();
  }

  async loadMoreHistory(): Promise<void> {
    if (this.historyNext === null) return;
    const page = await api.alertHistory(this.historyNext);
    const known = new Set(this.history.map((e) => e.id));
    this.history.push(...page.transitions.filter((e) => !known.has(e.id)));
    this.historyNext = page.next;
    this.changed();
  }

  receive(news: AlertNews): void {
    if (this.loading !== null) {
      this.buffered.push(news);
      return;
    }
    // a silence made or ended: which alerts it mutes is read with the list
    if ('reload' in news || this.truncated || (news.silences ?? []).length > 0) {
      void this.load();
      return;
    }
    for (const t of news.transitions) this.transition(t);
    // after the transitions: an alert resolved and pending again in one batch is pending now
    for (const p of news.pending ?? []) this.pending(p);
    for (const a of news.acknowledged) this.acknowledged(a.id, { by: a.by, at: a.at });
    this.changed();
  }

  // also for one acknowledged on this page: shown at once, before the push comes back
  acknowledged(id: number, ack: Acknowledgement): void {
    for (const alert of this.current.values()) if (alert.id === id) alert.acknowledged = ack;
    for (const entry of this.history) if (entry.id === id) entry.acknowledged = ack;
  }

  private transition(t: AlertRecord): void {
    if (!this.history.some((e) => e.id === t.id)) {
      this.history.unshift({ ...t, acknowledged: null });
      this.history.sort((a, b) => b.id - a.id);
      if (this.history.length > HISTORY_KEPT) this.history.length = HISTORY_KEPT;
    }
    const key = instanceOf(t);
    const now = this.current.get(key);
    if (t.kind === 'fired') {
      if (now?.status === 'firing' && now.since >= t.firedAt) return; // this firing, or a newer one
      if (now?.status !== 'firing') this.firing++;
      this.current.set(key, {
        ...t,
        id: t.id,
        status: 'firing',
        since: t.firedAt,
        acknowledged: null,
        silenced: now?.silenced, // a silence mutes an instance, pending or firing
      });
    } else if (now?.status === 'firing' && now.since === t.firedAt) {
      this.current.delete(key);
      this.firing--;
    }
  }

  private pending(p: AlertPending): void {
    const key = instanceOf(p);
    const now = this.current.get(key);
    if (p.since === null) {
      if (now?.status === 'pending') this.current.delete(key);
      return;
    }
    if (now?.status === 'firing') this.firing--;
    const { since, ...subject } = p;
    this.current.set(key, {
      ...subject,
      id: null,
      status: 'pending',
      since,
      acknowledged: null,
      silenced: now?.silenced,
    });
  }

  // firing first, the most severe first, the newest first
  list(): CurrentAlert[] {
    const rank = (a: CurrentAlert) =>
      (a.status === 'firing' ? 0 : 10) + (a.severity === 'critical' ? 0 : a.severity === 'warning' ? 1 : 2);
    return [...this.current.values()].sort((a, b) => rank(a) - rank(b) || b.since.localeCompare(a.since));
  }

  // the firing alert of a KPI of one entity's scorecard (a red-line tile's), if any
  find(entity: string, scorecard: string, kpi: string): CurrentAlert | undefined {
    return this.list().find(
      (a) => a.status === 'firing' && entityOf(a) === entity && a.scorecard === scorecard && a.kpi === kpi,
    );
  }
}
