import { flash, h, Keyed, setAttr, setHidden, setText } from '../dom';
import { formatTotal } from '../format';
import { chevron, redLineIcon } from '../icons';
import { getLang, loc, scorecardName, t, tKey } from '../i18n';
import type { Ctx, Heading, View } from '../context';
import { cardStatus, worstStatus } from '../standing';
import { entityKey, type PreviousCards } from '../store';
import type { EntityRef, ScoredCard } from '../types';
import { GradeBadge, RedLineCount, StatusPill, updateStatusCounts } from './badges';
import { lastUpdate, Notice, PanelList } from './common';
import { DeltaBadge, totalChange } from './delta';
import { DefinitionsPanel } from './definitions';
import { SourcesPanel } from './sources';

class TeamScoreRow {
  readonly el: HTMLElement;
  private readonly name = h('span', { class: 'ts-name' });
  private readonly total = h('span', { class: 'ts-total num', 'data-testid': 'team-total' });
  private readonly delta = new DeltaBadge('team-total-delta');
  private readonly grade = new GradeBadge('lg', 'team-grade');
  private readonly status = new StatusPill('team-status');
  private readonly redLines = new RedLineCount('team-redlines');
  private readonly bar = h('span', { class: 'ts-bar-fill' });
  private readonly counts = h('span', { class: 'ts-counts' });

  constructor(
    scorecard: string,
    private readonly previous: PreviousCards,
  ) {
    this.el = h(
      'li',
      { class: 'ts-row', 'data-scorecard': scorecard },
      h('div', { class: 'ts-label' }, this.name, h('div', { class: 'ts-meta' }, this.counts, this.redLines.el)),
      h('div', { class: 'ts-score' }, this.total, this.delta.el, this.grade.el, this.status.el),
      h('span', { class: 'ts-bar' }, this.bar),
    );
  }

  update(card: ScoredCard): void {
    setText(this.name, scorecardName(card));
    setAttr(this.name, 'title', card.score.scorecard);
    if (setText(this.total, formatTotal(card.score.total)) && this.el.isConnected) flash(this.total);
    this.delta.update(totalChange(card, this.previous.of(card)));
    this.grade.update(card.score.grade);
    // each scorecard's chip beside its own grade, by the one rule (standing.ts)
    const status = cardStatus(card);
    this.status.update(status);
    setAttr(this.el, 'data-status', status);
    // a row names its red lines only when it has some: "No red lines" once, in the card's footer
    this.redLines.update(card.score.redLines.length);
    setHidden(this.redLines.el, card.score.redLines.length === 0);
    this.bar.style.width = `${Math.max(0, Math.min(100, card.score.total ?? 0))}%`;
    updateStatusCounts(this.counts, card.score.kpis, true);
  }
}

class TeamCard {
  readonly el: HTMLAnchorElement;
  private readonly redLines = new RedLineCount('team-redline-total');
  private readonly rows: Keyed<ScoredCard, TeamScoreRow>;
  private readonly loading = h('p', { class: 'ts-loading' });

  constructor(team: EntityRef, previous: PreviousCards) {
    const list = h('ul', { class: 'ts-list' });
    this.rows = new Keyed(
      list,
      (card) => new TeamScoreRow(card.score.scorecard, previous),
      (row, card) => row.update(card),
    );
    this.el = h(
      'a',
      {
        class: 'panel team-card',
        href: `#/team/${encodeURIComponent(team.orgId)}/${encodeURIComponent(team.id)}`,
        'data-testid': 'team-card',
        'data-team': team.id,
        'aria-label': t('openTeam', { team: team.id }),
      },
      h(
        'header',
        { class: 'team-card-head' },
        h('div', {}, h('span', { class: 'eyebrow' }, t('team')), h('h3', { class: 'team-name' }, team.id)),
      ),
      list,
      this.loading,
      h(
        'footer',
        { class: 'team-card-foot' },
        this.redLines.el,
        h('span', { class: 'open' }, t('openTeam', { team: '' }).trim(), chevron()),
      ),
    );
  }

  update(cards: ScoredCard[] | undefined): void {
    setHidden(this.loading, cards !== undefined && cards.length > 0);
    setText(this.loading, cards === undefined ? t('loading') : t('noScorecards'));
    this.rows.sync((cards ?? []).map((c) => [c.score.scorecard, c] as const));
    setAttr(this.el, 'data-status', worstStatus((cards ?? []).map((c) => cardStatus(c))));
    const redLines = (cards ?? []).reduce((n, c) => n + c.score.redLines.length, 0);
    this.redLines.update(redLines);
    this.el.classList.toggle('has-redline', redLines > 0);
  }
}

export class OrgView implements View {
  readonly el: HTMLElement;
  private readonly room: string;
  private readonly notice = new Notice();
  private readonly teams: Keyed<EntityRef, TeamCard>;
  private readonly noTeams = h('div', { class: 'empty-state' });
  private readonly orgSection: HTMLElement;
  private readonly orgPanels: PanelList;
  private readonly alerts = h('ul', { class: 'alerts-list' });
  private readonly alertsSection: HTMLElement;
  private alertsKey = '';
  private readonly sources: SourcesPanel | undefined;
  private readonly definitions: DefinitionsPanel | undefined;

  constructor(
    private readonly ctx: Ctx,
    private readonly org: string,
  ) {
    this.room = `org:${org}`;
    ctx.follow(this.room);
    const grid = h('div', { class: 'team-grid', 'data-testid': 'team-grid' });
    this.teams = new Keyed(
      grid,
      (team) => new TeamCard(team, ctx.previous),
      (card, team) => card.update(ctx.cardsFor(entityKey(team))),
    );
    this.orgPanels = new PanelList(ctx, `org:${org}`);
    this.orgSection = h(
      'section',
      { class: 'org-cards' },
      h('h2', { class: 'section-title' }, t('orgCards')),
      this.orgPanels.el,
    );
    this.alertsSection = h(
      'section',
      { class: 'panel alerts', 'data-testid': 'org-redlines' },
      h('header', { class: 'section-head' }, redLineIcon(), h('h2', { class: 'section-title' }, t('redLineAlerts'))),
      this.alerts,
    );
    // an admin of the org sees its connectors' webhooks (GET /v1/sources is an admin's)
    const ownAdmin = ctx.me.role === 'admin' && ctx.me.org === org;
    this.sources = ownAdmin ? new SourcesPanel() : undefined;
    // and its KPI definitions: a draft previewed on the org's recent events before it is published
    this.definitions = ownAdmin ? new DefinitionsPanel() : undefined;
    this.el = h(
      'div',
      { class: 'view view-org', 'data-testid': 'org-overview', 'data-org': org },
      this.notice.el,
      h('section', { class: 'teams' }, h('h2', { class: 'section-title' }, t('teams')), grid, this.noTeams),
      this.alertsSection,
      this.orgSection,
      ...(this.sources === undefined ? [] : [this.sources.el]),
      ...(this.definitions === undefined ? [] : [this.definitions.el]),
    );
  }

  destroy(): void {
    this.sources?.destroy();
  }

  // every red line crossed in the org's team scorecards, team by team
  private updateAlerts(teams: readonly EntityRef[]): void {
    const rows: { team: string; scorecard: string; kpi: string; effect: string }[] = [];
    for (const team of teams)
      for (const card of this.ctx.cardsFor(entityKey(team)) ?? [])
        for (const hit of card.score.redLines) {
          const kpi = card.score.kpis.find((k) => k.kpi === hit.kpi);
          rows.push({
            team: team.id,
            scorecard: scorecardName(card),
            kpi: kpi === undefined ? hit.kpi : loc(kpi.name),
            effect: tKey(`effect_${hit.effect}`, { points: hit.points ?? '', grade: hit.grade ?? '' }),
          });
        }
    setHidden(this.alertsSection, rows.length === 0);
    const key = JSON.stringify(rows) + getLang();
    if (key === this.alertsKey) return;
    this.alertsKey = key;
    this.alerts.replaceChildren(
      ...rows.map((row) =>
        h(
          'li',
          { class: 'alert-row', 'data-team': row.team },
          h(
            'a',
            { class: 'alert-team', href: `#/team/${encodeURIComponent(this.org)}/${encodeURIComponent(row.team)}` },
            row.team,
          ),
          h('span', { class: 'alert-scorecard' }, row.scorecard),
          h('strong', { class: 'alert-kpi' }, row.kpi),
          h('span', { class: 'alert-effect' }, row.effect),
        ),
      ),
    );
  }

  heading(): Heading {
    const n = this.teams.size;
    const count = n === 1 ? t('teamCountOne') : t('teamCount', { n });
    const updated = lastUpdate(this.ctx);
    return {
      title: t('orgTitle', { org: this.org }),
      subtitle: updated === '' ? count : `${count} · ${updated}`,
      crumbs: [{ label: t('orgTitle', { org: this.org }) }],
    };
  }

  update(): void {
    const error = this.ctx.live.errorOf(this.room);
    this.notice.update(error === null ? null : t('notPermitted', { room: this.room, error }), 'error');
    const teams = this.ctx.store.entitiesIn(this.room, 'team');
    this.teams.sync(teams.map((team) => [team.id, team] as const));
    setText(this.noTeams, this.ctx.store.hasRoom(this.room) ? t('noTeams') : t('loading'));
    setHidden(this.noTeams, teams.length > 0);
    this.updateAlerts(teams);
    const orgCards = this.ctx.store.cards(`org:${this.org}`);
    setHidden(this.orgSection, orgCards.length === 0);
    if (orgCards.length > 0) this.orgPanels.update();
  }
}
