import { h, setHidden } from '../dom';
import { t } from '../i18n';
import { rt } from '../review-i18n';
import type { Ctx, Heading, View } from '../context';
import { entityKey } from '../store';
import { AgentsTable, type AgentRowData } from './agents-table';
import { lastUpdate, Notice, PanelList } from './common';

export class TeamView implements View {
  readonly el: HTMLElement;
  private readonly entity: string;
  private readonly panels: PanelList;
  private readonly notice = new Notice();
  private readonly agents: AgentsTable | null;
  private readonly agentsRoom: string | null;
  private readonly rooms: string[] = [];

  constructor(
    private readonly ctx: Ctx,
    private readonly org: string,
    private readonly team: string,
    navigate: (hash: string) => void,
  ) {
    this.entity = `team:${org}:${team}`;
    // the org room carries the org's team cards too
    if (!ctx.live.has(`org:${org}`) || ctx.live.errorOf(`org:${org}`) !== null) this.follow(this.entity);
    else this.rooms.push(`org:${org}`);
    const own = ctx.me.role === 'agent' && ctx.me.agent !== undefined && ctx.me.teams.includes(team);
    this.agentsRoom = ctx.canSeeAgents(org, team) ? `team-agents:${org}:${team}` : null;
    if (this.agentsRoom !== null) this.follow(this.agentsRoom);
    if (own) this.follow(`agent:${org}:${ctx.me.agent}`);
    this.panels = new PanelList(ctx, this.entity);
    this.agents =
      this.agentsRoom !== null || own
        ? new AgentsTable(
            (row) => navigate(`#/agent/${encodeURIComponent(org)}/${encodeURIComponent(row.agent)}`),
            own && this.agentsRoom === null,
            ctx.previous,
          )
        : null;
    this.el = h(
      'div',
      { class: 'view view-team', 'data-testid': 'team-view', 'data-team': team },
      this.notice.el,
      // the team's weekly review pack, for the meeting
      h(
        'a',
        {
          class: 'btn btn-ghost btn-small review-open',
          'data-testid': 'review-open',
          href: `#/review/${encodeURIComponent(org)}/${encodeURIComponent(team)}`,
        },
        rt('reviewLink'),
      ),
      h('h2', { class: 'visually-hidden' }, t('teamScorecards')),
      this.panels.el,
      this.agents?.el,
    );
  }

  private follow(room: string): void {
    this.rooms.push(room);
    this.ctx.follow(room);
  }

  heading(): Heading {
    const crumbs = [
      this.ctx.canSeeOrg(this.org)
        ? { label: t('orgTitle', { org: this.org }), href: `#/org/${encodeURIComponent(this.org)}` }
        : { label: t('orgTitle', { org: this.org }) },
      { label: t('teamTitle', { team: this.team }) },
    ];
    return { title: t('teamTitle', { team: this.team }), subtitle: lastUpdate(this.ctx), crumbs };
  }

  private agentRows(): AgentRowData[] {
    const me = this.ctx.me;
    const refs =
      this.agentsRoom !== null
        ? this.ctx.store.entitiesIn(this.agentsRoom, 'agent')
        : me.agent !== undefined
          ? [{ level: 'agent' as const, id: me.agent, orgId: this.org }]
          : [];
    const rows: AgentRowData[] = [];
    for (const ref of refs) {
      const entity = entityKey(ref);
      const cards = this.ctx.cardsFor(entity) ?? this.ctx.store.cards(entity);
      if (cards.length === 0 && this.agentsRoom === null && this.ctx.store.cards(entity).length === 0) continue;
      rows.push({ agent: ref.id, entity, cards, you: ref.id === me.agent });
    }
    return rows;
  }

  update(): void {
    const errors = this.rooms
      .map((room) => [room, this.ctx.live.errorOf(room)] as const)
      .filter(([, error]) => error !== null)
      .map(([room, error]) => t('notPermitted', { room, error: error ?? '' }));
    const periodError = this.ctx.periods.error(this.entity);
    if (periodError !== undefined) errors.push(t('periodLoadFailed', { error: periodError }));
    this.notice.update(errors.length > 0 ? errors.join(' · ') : null, 'error');
    this.panels.update();
    if (this.agents !== null) {
      const rows = this.agentRows();
      this.agents.update(rows);
      setHidden(this.agents.el, false);
    }
  }
}
