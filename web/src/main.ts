import { api, handleUnauthorized, HttpError, UnauthorizedError } from './api';
import { captureTokenFromUrl, clearToken, getToken, setToken } from './auth';
import type { Crumb, Ctx, View } from './context';
import { initLang, onLangChange, setLang, t } from './i18n';
import { AlertCenter } from './alert-center';
import { LiveClient } from './live';
import { CardStore, PeriodCache, PreviousCards, Trends } from './store';
import type { ConnectionState, Me, Period, ScoredCard } from './types';
import { AgentView } from './views/agent';
import { AlertBell, AlertPanel } from './views/alerts';
import { OrgView } from './views/org';
import { Shell } from './views/shell';
import { printReview, ReviewView } from './views/review';
import { rt } from './review-i18n';
import type { StoredPack } from './review-types';
import { loadingPage, messagePage, signInPanel } from './views/signin';
import { TeamView } from './views/team';
import { rotateSeconds, TvView } from './views/tv';

const root = (): HTMLElement => document.getElementById('app') ?? document.body;
const isTv = (): boolean => /^\/tv\/?$/.test(window.location.pathname);

type Route =
  | { kind: 'org'; org: string }
  | { kind: 'team'; org: string; team: string }
  | { kind: 'agent'; org: string; agent: string }
  | { kind: 'review'; org: string; team: string; week: string | undefined };

function parseRoute(hash: string): Route | null {
  const parts = hash
    .replace(/^#\/?/, '')
    .split('/')
    .filter((p) => p !== '')
    .map(decodeURIComponent);
  const [kind, org, id, week] = parts;
  if (kind === 'review' && org !== undefined && id !== undefined && parts.length <= 4)
    return { kind: 'review', org, team: id, week };
  if (kind === 'org' && org !== undefined && id === undefined) return { kind: 'org', org };
  if (kind === 'team' && org !== undefined && id !== undefined) return { kind: 'team', org, team: id };
  if (kind === 'agent' && org !== undefined && id !== undefined) return { kind: 'agent', org, agent: id };
  return null;
}

function defaultRoute(me: Me): string {
  const org = encodeURIComponent(me.org);
  const orgRoom = me.rooms.find((room) => room.startsWith('org:'));
  if (me.role === 'admin' || orgRoom !== undefined) return `#/org/${org}`;
  // an agent's link lands on their own card, not on their row in the team's table
  if (me.role === 'agent' && me.agent !== undefined) return `#/agent/${org}/${encodeURIComponent(me.agent)}`;
  const team = me.teams[0] ?? me.rooms.find((room) => room.startsWith('team:'))?.split(':')[2];
  if (team !== undefined) return `#/team/${org}/${encodeURIComponent(team)}`;
  return `#/org/${org}`;
}

// Everything that lives as long as a signed-in page: the socket, the cards, the current view.
class Session implements Ctx {
  readonly store = new CardStore();
  readonly trends: Trends;
  readonly periods: PeriodCache;
  readonly previous: PreviousCards;
  readonly live: LiveClient;
  readonly alerts: AlertCenter;
  private bell: AlertBell | null = null;
  private alertPanel: AlertPanel | null = null;
  private shell: Shell | null = null;
  private tv: TvView | null = null;
  private view: View | null = null;
  private frame = 0;
  private connection: { state: ConnectionState; once: boolean } = { state: 'reconnecting', once: false };
  private readonly offLang: () => void;

  constructor(
    readonly me: Me,
    token: string,
    private readonly tvMode: boolean,
  ) {
    const changed = (): void => this.schedule();
    this.trends = new Trends(changed);
    this.periods = new PeriodCache(changed);
    this.previous = new PreviousCards(changed);
    this.alerts = new AlertCenter(changed);
    this.live = new LiveClient(token, {
      snapshot: (room, cards) => this.snapshot(room, cards),
      update: (room, card) => this.update(room, card),
      state: (state) => {
        this.connection = { state, once: this.connection.once || state === 'live' };
        this.paintConnection();
      },
      unauthorized: (message) => signOut(message),
      roomError: () => this.schedule(),
      alertsJoined: () => void this.alerts.load(),
      alerts: (news) => this.alerts.receive(news),
    });
    for (const room of me.rooms) this.live.ensure(room);
    this.build();
    this.live.connect();
    this.offLang = onLangChange(() => this.build());
    window.addEventListener('hashchange', this.onHash);
  }

  // ---- Ctx
  period(): Period {
    return this.periods.period;
  }

  cardsFor(entity: string): ScoredCard[] | undefined {
    return this.periods.period === 'live' ? this.store.cards(entity) : this.periods.cards(entity);
  }

  follow(room: string): void {
    this.live.ensure(room);
  }

  canSeeOrg(org: string): boolean {
    return (this.me.role === 'admin' && this.me.org === org) || this.me.rooms.includes(`org:${org}`);
  }

  canSeeAgents(org: string, team: string): boolean {
    return this.me.rooms.includes(`team-agents:${org}:${team}`) || (this.me.role === 'admin' && this.me.org === org);
  }

  openAlert(entity: string, scorecard: string, kpi: string): void {
    this.alertPanel?.open({ entity, scorecard, kpi });
    this.render();
  }

  private toggleAlerts(): void {
    if (this.alertPanel === null) return;
    if (this.alertPanel.opened) this.closeAlerts();
    else this.alertPanel.open();
    this.render();
  }

  private closeAlerts(): void {
    this.alertPanel?.close();
    this.render();
    this.bell?.el.focus();
  }

  // ---- live data
  private snapshot(room: string, cards: ScoredCard[]): void {
    this.store.snapshot(room, cards);
    for (const card of cards) this.trends.append(card);
    this.schedule();
  }

  private update(room: string, card: ScoredCard): void {
    const entity = this.store.update(room, card);
    this.trends.append(card);
    this.periods.touch(entity);
    this.schedule();
  }

  // one repaint per animation frame, however many updates arrived
  private schedule(): void {
    if (this.frame !== 0) return;
    this.frame = window.requestAnimationFrame(() => {
      this.frame = 0;
      this.render();
    });
  }

  private render(): void {
    if (this.tv !== null) {
      this.tv.alertCount.update(this.alerts.firing);
      this.tv.update();
      return;
    }
    this.bell?.update(this.alerts.firing, this.alertPanel?.opened === true);
    if (this.alertPanel?.opened === true) this.alertPanel.update();
    if (this.view === null || this.shell === null) return;
    this.view.update();
    this.shell.update(this.view.heading(), this.periods.period);
  }

  private paintConnection(): void {
    (this.tv ?? this.shell)?.connection.update(this.connection.state, this.connection.once);
  }

  // ---- screens
  private build(): void {
    const scrollY = window.scrollY;
    this.view?.destroy?.();
    this.tv?.destroy();
    const reopen = this.alertPanel?.opened === true;
    this.view = null;
    this.tv = null;
    this.shell = null;
    this.bell = null;
    this.alertPanel = null;
    document.body.classList.toggle('tv-mode', this.tvMode);
    if (this.tvMode) {
      this.tv = new TvView(this, rotateSeconds(window.location.search));
      root().replaceChildren(this.tv.el);
    } else {
      this.bell = new AlertBell(() => this.toggleAlerts());
      this.alertPanel = new AlertPanel(this.alerts, this.store, this.me, () => this.closeAlerts());
      if (reopen) this.alertPanel.open();
      this.shell = new Shell(
        this.me,
        this.links(),
        (period) => this.setPeriod(period),
        () => signOut(null),
        { bell: this.bell.el, panel: this.alertPanel.el },
      );
      root().replaceChildren(this.shell.el);
      this.route(false);
    }
    this.paintConnection();
    this.render();
    window.scrollTo(0, scrollY);
  }

  private links(): Crumb[] {
    const links: Crumb[] = [];
    if (this.canSeeOrg(this.me.org))
      links.push({ label: t('orgTitle', { org: this.me.org }), href: `#/org/${encodeURIComponent(this.me.org)}` });
    for (const team of this.me.teams)
      links.push({
        label: t('teamTitle', { team }),
        href: `#/team/${encodeURIComponent(this.me.org)}/${encodeURIComponent(team)}`,
      });
    // a manager's teams' weekly review packs
    if (this.me.role === 'manager')
      for (const team of this.me.teams)
        links.push({
          label: `${rt('reviewLink')} ${team}`,
          href: `#/review/${encodeURIComponent(this.me.org)}/${encodeURIComponent(team)}`,
        });
    return links.length > 1 ? links : [];
  }

  private setPeriod(period: Period): void {
    this.periods.setPeriod(period);
    this.previous.setPeriod(period);
    this.render();
  }

  private readonly onHash = (): void => {
    if (this.shell === null) return;
    this.route(true);
    this.render();
  };

  private route(navigated: boolean): void {
    if (this.shell === null) return;
    const route = parseRoute(window.location.hash);
    if (route === null) {
      window.history.replaceState(
        window.history.state,
        '',
        `${window.location.pathname}${window.location.search}${defaultRoute(this.me)}`,
      );
      this.route(navigated);
      return;
    }
    this.view?.destroy?.();
    if (navigated) this.periods.reset();
    const navigate = (hash: string): void => {
      window.location.hash = hash;
    };
    this.view =
      route.kind === 'org'
        ? new OrgView(this, route.org)
        : route.kind === 'team'
          ? new TeamView(this, route.org, route.team, navigate)
          : route.kind === 'review'
            ? new ReviewView(this, route.org, route.team, route.week, navigate)
            : new AgentView(this, route.org, route.agent);
    this.shell.mount(this.view);
    if (navigated) window.scrollTo(0, 0);
  }

  close(): void {
    window.cancelAnimationFrame(this.frame);
    window.removeEventListener('hashchange', this.onHash);
    this.offLang();
    this.view?.destroy?.();
    this.tv?.destroy();
    this.live.close();
    this.periods.reset();
  }
}

// ---- start, sign in, sign out

let session: Session | null = null;
let screen: (() => HTMLElement) | null = null;

function show(build: () => HTMLElement): void {
  screen = build;
  document.body.classList.remove('tv-mode');
  document.body.classList.toggle('tv-signin', isTv());
  root().replaceChildren(build());
}

function showSignIn(message: string | null): void {
  show(() =>
    signInPanel(message, (token) => {
      setToken(token);
      void start();
    }),
  );
}

function signOut(message: string | null): void {
  session?.close();
  session = null;
  clearToken();
  showSignIn(message);
}

async function start(): Promise<void> {
  const token = getToken();
  if (token === null) {
    showSignIn(null);
    return;
  }
  show(loadingPage);
  let me: Me;
  try {
    me = await api.me();
  } catch (err) {
    if (err instanceof UnauthorizedError) return; // the 401 handler shows the sign-in panel
    const detail =
      err instanceof HttpError ? `${err.status}: ${err.message}` : err instanceof Error ? err.message : String(err);
    show(() => messagePage(t('loadFailed'), detail, { label: t('retry'), run: () => void start() }));
    return;
  }
  screen = null;
  session?.close();
  session = new Session(me, token, isTv());
}

// the review pack in print mode: the server's Chromium sets it before the page loads (views/review.ts)
interface PrintRequest {
  stored: StoredPack;
  language: 'zh' | 'en';
}

function boot(): void {
  const print = (window as unknown as { __KPI_REVIEW_PRINT__?: PrintRequest }).__KPI_REVIEW_PRINT__;
  if (print !== undefined) {
    setLang(print.language);
    printReview(root(), print.stored);
    return;
  }
  captureTokenFromUrl();
  initLang();
  handleUnauthorized((message) => signOut(message));
  // sign-in and message screens are rebuilt in the new language; a session rebuilds itself
  onLangChange(() => {
    if (session === null && screen !== null) root().replaceChildren(screen());
  });
  void start();
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', boot);
else boot();
