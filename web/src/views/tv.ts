import { h, setHidden, setStyle, setText } from '../dom';
import { pulseLogo } from '../icons';
import { locale, t } from '../i18n';
import type { Ctx } from '../context';
import type { EntityRef } from '../types';
import { PanelList } from './common';
import { TvAlertCount } from './alerts';
import { ConnectionIndicator } from './controls';

const DEFAULT_ROTATE_S = 15;

export function rotateSeconds(search: string): number {
  const value = Number(new URLSearchParams(search).get('rotate'));
  return Number.isFinite(value) && value >= 3 ? value : DEFAULT_ROTATE_S;
}

// The wall display: no navigation, the org's teams one after the other (or the one team of a team
// display token), data live through the socket; rotation swaps the content, never reloads.
export class TvView {
  readonly el: HTMLElement;
  readonly connection = new ConnectionIndicator();
  readonly alertCount = new TvAlertCount();
  private readonly teamName = h('h1', { class: 'tv-team', 'data-testid': 'tv-team' });
  private readonly progress = h('span', { class: 'tv-progress num', 'data-testid': 'tv-progress' });
  private readonly dots = h('div', { class: 'tv-dots', 'aria-hidden': 'true' });
  private readonly clock = h('span', { class: 'tv-clock num' });
  private readonly rotation = h('span', { class: 'tv-rotation' });
  private readonly bar = h('div', { class: 'tv-bar-fill' });
  private readonly barTrack: HTMLElement;
  private readonly body = h('main', { class: 'tv-body' });
  private readonly waiting = h('div', { class: 'tv-waiting' });
  private readonly lists = new Map<string, PanelList>();
  private readonly observer: ResizeObserver;
  private teams: EntityRef[] = [];
  private index = 0;
  private shown: string | null = null;
  private timer: number | undefined;
  private clockTimer: number | undefined;

  constructor(
    private readonly ctx: Ctx,
    private readonly rotateS: number,
  ) {
    this.barTrack = h('div', { class: 'tv-bar' }, this.bar);
    this.el = h(
      'div',
      { class: 'tv', 'data-testid': 'tv' },
      h(
        'header',
        { class: 'tv-head' },
        h('div', { class: 'tv-brand' }, pulseLogo(), h('span', {}, t('appName'))),
        h('div', { class: 'tv-title' }, h('span', { class: 'tv-eyebrow' }, t('team')), this.teamName),
        h(
          'div',
          { class: 'tv-meta' },
          h('div', { class: 'tv-count' }, this.progress, this.dots),
          this.alertCount.el,
          this.connection.el,
          this.clock,
        ),
      ),
      this.barTrack,
      this.body,
      h('footer', { class: 'tv-foot' }, this.rotation),
    );
    this.body.append(this.waiting);
    this.waiting.append(h('span', { class: 'spinner' }), h('span', {}, t('tvWaiting')));
    for (const room of ctx.me.rooms) if (/^(org|team):/.test(room)) ctx.follow(room);
    this.observer = new ResizeObserver(() => this.fit());
    this.observer.observe(this.body);
    this.tick();
    this.clockTimer = window.setInterval(() => this.tick(), 1000);
  }

  private tick(): void {
    setText(this.clock, new Intl.DateTimeFormat(locale(), { hour: '2-digit', minute: '2-digit' }).format(new Date()));
  }

  private teamList(): EntityRef[] {
    const found = new Map<string, EntityRef>();
    for (const room of this.ctx.me.rooms) {
      const [kind, org, team] = room.split(':');
      if (kind === 'org' && org !== undefined)
        for (const ref of this.ctx.store.entitiesIn(room, 'team')) found.set(`${ref.orgId}:${ref.id}`, ref);
      else if (kind === 'team' && org !== undefined && team !== undefined)
        found.set(`${org}:${team}`, { level: 'team', id: team, orgId: org });
    }
    return [...found.values()].sort((a, b) => a.id.localeCompare(b.id, undefined, { numeric: true }));
  }

  private schedule(): void {
    window.clearInterval(this.timer);
    this.timer = undefined;
    const rotating = this.teams.length > 1;
    this.el.classList.toggle('is-rotating', rotating);
    if (!rotating) return;
    this.timer = window.setInterval(() => this.next(), this.rotateS * 1000);
    this.restartBar();
  }

  private restartBar(): void {
    this.bar.getAnimations?.().forEach((a) => a.cancel());
    if (typeof this.bar.animate === 'function')
      this.bar.animate([{ transform: 'scaleX(0)' }, { transform: 'scaleX(1)' }], {
        duration: this.rotateS * 1000,
        easing: 'linear',
        fill: 'forwards',
      });
  }

  private next(): void {
    if (this.teams.length === 0) return;
    this.index = (this.index + 1) % this.teams.length;
    this.restartBar();
    this.update();
  }

  update(): void {
    const teams = this.teamList();
    const before = this.teams.map((team) => team.id).join('|');
    const current = this.teams[this.index];
    this.teams = teams;
    if (current !== undefined) {
      const at = teams.findIndex((team) => team.id === current.id && team.orgId === current.orgId);
      this.index = at >= 0 ? at : Math.min(this.index, Math.max(0, teams.length - 1));
    }
    if (teams.map((team) => team.id).join('|') !== before) {
      this.schedule();
      this.dots.replaceChildren(...teams.map(() => h('span', { class: 'tv-dot' })));
    }
    const team = teams[this.index];
    setHidden(this.waiting, team !== undefined);
    setText(this.rotation, teams.length > 1 ? t('tvRotation', { s: this.rotateS }) : '');
    setText(this.progress, teams.length > 1 ? `${this.index + 1} / ${teams.length}` : '');
    setHidden(this.progress, teams.length <= 1);
    setHidden(this.dots, teams.length <= 1);
    setHidden(this.barTrack, teams.length <= 1);
    [...this.dots.children].forEach((dot, i) => dot.classList.toggle('is-current', i === this.index));
    if (team === undefined) {
      setText(this.teamName, '');
      return;
    }
    const entity = `team:${team.orgId}:${team.id}`;
    setText(this.teamName, team.id);
    this.teamName.dataset.team = team.id;
    let list = this.lists.get(entity);
    if (list === undefined) {
      list = new PanelList(this.ctx, entity, { tv: true });
      this.lists.set(entity, list);
    }
    const cards = list.update();
    list.el.dataset.count = String(cards?.length ?? 0);
    if (this.shown !== entity) {
      this.shown = entity;
      this.body.replaceChildren(this.waiting, list.el);
      setHidden(this.waiting, true);
    }
    this.fit();
  }

  // choose columns × rows so that every tile fits the screen and keeps a readable shape
  private fit(): void {
    for (const grid of this.body.querySelectorAll<HTMLElement>('.tiles-fit')) {
      const n = grid.children.length;
      if (n === 0) continue;
      const { width, height } = grid.getBoundingClientRect();
      if (width === 0 || height === 0) continue;
      const gap = parseFloat(getComputedStyle(grid).columnGap) || 0;
      let best = { cols: 1, rows: n, size: 0 };
      for (let cols = 1; cols <= n; cols++) {
        const rows = Math.ceil(n / cols);
        const w = (width - gap * (cols - 1)) / cols;
        const hgt = (height - gap * (rows - 1)) / rows;
        const size = Math.min(w / 1.7, hgt);
        if (size > best.size) best = { cols, rows, size };
      }
      setStyle(grid, '--cols', String(best.cols));
      setStyle(grid, '--rows', String(best.rows));
    }
  }

  destroy(): void {
    window.clearInterval(this.timer);
    window.clearInterval(this.clockTimer);
    this.observer.disconnect();
  }
}
