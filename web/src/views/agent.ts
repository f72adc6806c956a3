import { h } from '../dom';
import { t } from '../i18n';
import type { Crumb, Ctx, Heading, View } from '../context';
import { lastUpdate, Notice, PanelList } from './common';

export class AgentView implements View {
  readonly el: HTMLElement;
  private readonly entity: string;
  private readonly panels: PanelList;
  private readonly notice = new Notice();
  private readonly room: string | null = null;

  constructor(
    private readonly ctx: Ctx,
    private readonly org: string,
    private readonly agent: string,
  ) {
    this.entity = `agent:${org}:${agent}`;
    if (ctx.store.roomsOf(this.entity).length === 0) {
      this.room = this.entity;
      ctx.follow(this.room);
    }
    this.panels = new PanelList(ctx, this.entity);
    this.el = h(
      'div',
      { class: 'view view-agent', 'data-testid': 'agent-view', 'data-agent': agent },
      this.notice.el,
      this.panels.el,
    );
  }

  private team(): string | undefined {
    for (const room of this.ctx.store.roomsOf(this.entity)) {
      const [kind, , team] = room.split(':');
      if (kind === 'team-agents' && team !== undefined) return team;
    }
    return this.ctx.me.agent === this.agent ? this.ctx.me.teams[0] : undefined;
  }

  heading(): Heading {
    const crumbs: Crumb[] = [
      this.ctx.canSeeOrg(this.org)
        ? { label: t('orgTitle', { org: this.org }), href: `#/org/${encodeURIComponent(this.org)}` }
        : { label: t('orgTitle', { org: this.org }) },
    ];
    const team = this.team();
    if (team !== undefined)
      crumbs.push({
        label: t('teamTitle', { team }),
        href: `#/team/${encodeURIComponent(this.org)}/${encodeURIComponent(team)}`,
      });
    crumbs.push({ label: t('agentTitle', { agent: this.agent }) });
    return { title: t('agentTitle', { agent: this.agent }), subtitle: lastUpdate(this.ctx), crumbs };
  }

  update(): void {
    const error = this.room === null ? null : this.ctx.live.errorOf(this.room);
    this.notice.update(error === null ? null : t('notPermitted', { room: this.room ?? '', error }), 'error');
    this.panels.update();
  }
}
