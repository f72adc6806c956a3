import {
  BadRequestException,
  Controller,
  ForbiddenException,
  Get,
  HttpCode,
  Inject,
  Logger,
  NotFoundException,
  Param,
  Post,
  Query,
  UseGuards,
} from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiParam, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { alertScopeOf, inAlertScope, type AlertScope, type Principal } from '#libs/access';
import { silencedBy, type AlertLabels } from '#libs/alerting';
import type { AlertAck, AlertNews, DefinitionsRegistry, Outlet, RosterCache, Transport } from '#libs/pipeline';
import type { AlertListRepository, AlertSubscriptionsRepository, CurrentAlerts, HistoryEntry } from '#libs/postgres';
import { ALERT_LIST, ALERT_SUBSCRIPTIONS, REGISTRY, ROSTER_CACHE, TRANSPORT } from '#runtime/tokens';
import { AccessService } from '#runtime/access.service';
import { AuthGuard, CurrentPrincipal } from '#runtime/auth.guard';
import { ERROR } from '#runtime/http-api';
import { teamsOf } from './alert-access';
import { ACKNOWLEDGEMENT, ALERT_HISTORY, CURRENT_ALERTS } from './alerts.schemas';

// a current alert and the silence that mutes it now, if any
type Silenced = CurrentAlerts['alerts'][number] & {
  silenced: { id: string; by: string; until: string; comment: string } | null;
};

const iso = (ms: number) => new Date(ms).toISOString();
const CURRENT_LIMIT = { default: 200, max: 500 };
const HISTORY_LIMIT = { default: 50, max: 200 };

// The alerts of the caller's scope (libs/access alert-scope.ts: those of the cards the role may read),
// their history, and acknowledging one. The page keeps them current through the socket's `alerts` pushes.
@ApiTags('alerts')
@ApiBearerAuth()
@ApiResponse({ status: 401, description: 'no token, or one expired, revoked or forged', schema: ERROR })
@UseGuards(AuthGuard)
@Controller('v1/alerts')
export class AlertsController {
  private readonly news: Outlet<AlertNews>;
  private readonly logger = new Logger('alerts');

  constructor(
    @Inject(ALERT_LIST) private readonly alerts: AlertListRepository,
    @Inject(AccessService) private readonly access: AccessService,
    @Inject(TRANSPORT) transport: Transport,
    @Inject(ALERT_SUBSCRIPTIONS) private readonly subscriptions: AlertSubscriptionsRepository,
    @Inject(ROSTER_CACHE) private readonly rosters: RosterCache,
    @Inject(REGISTRY) private readonly registry: DefinitionsRegistry,
  ) {
    this.news = transport.outlet('alerts');
  }

  @Get()
  @ApiOperation({
    summary: "The alerts firing and pending in the caller's scope; with history=1, the transitions, newest first",
  })
  @ApiQuery({ name: 'history', required: false, enum: ['0', '1'], description: '1: the transitions instead' })
  @ApiQuery({ name: 'before', required: false, description: 'history: the `next` of the previous page' })
  @ApiQuery({ name: 'limit', required: false, description: 'now: 1 to 500 (200); history: 1 to 200 (50)' })
  @ApiResponse({
    status: 200,
    description: 'the alerts now; with history=1, the transitions',
    schema: { oneOf: [CURRENT_ALERTS, ALERT_HISTORY] },
  })
  @ApiResponse({ status: 400, description: 'a malformed history, before or limit', schema: ERROR })
  async list(
    @CurrentPrincipal() p: Principal,
    @Query('history') history?: string,
    @Query('before') before?: string,
    @Query('limit') limit?: string,
  ): Promise<CurrentAlerts | { transitions: HistoryEntry[]; next: number | null }> {
    if (history !== undefined && history !== '0' && history !== '1')
      throw new BadRequestException('history: expected 1 (the transitions) or 0 (the alerts now)');
    const scope = await this.scopeOf(p);
    if (history !== '1') {
      if (before !== undefined) throw new BadRequestException('before: only with history=1');
      return this.withSilences(p.orgId, await this.alerts.current(scope, count('limit', limit, CURRENT_LIMIT)));
    }
    const n = count('limit', limit, HISTORY_LIMIT);
    const after =
      before === undefined ? undefined : count('before', before, { default: 0, max: Number.MAX_SAFE_INTEGER });
    const transitions = await this.alerts.history(scope, after, n);
    const last = transitions.at(-1);
    return { transitions, next: transitions.length === n && last !== undefined ? last.id : null };
  }

  @Post(':id/acknowledge')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Acknowledge a fired alert (its fired transition): who and when come from the token; the first stands',
  })
  @ApiParam({ name: 'id', description: 'the fired transition (an alert’s `id`)' })
  @ApiResponse({ status: 200, schema: ACKNOWLEDGEMENT })
  @ApiResponse({ status: 400, description: 'a malformed id, or a resolution rather than a firing', schema: ERROR })
  @ApiResponse({ status: 403, description: 'a display or platform token acknowledges nothing', schema: ERROR })
  @ApiResponse({ status: 404, description: "no such alert in the caller's scope", schema: ERROR })
  async acknowledge(
    @CurrentPrincipal() p: Principal,
    @Param('id') text: string,
  ): Promise<AlertAck & { created: boolean }> {
    const id = count('id', text, { default: 0, max: Number.MAX_SAFE_INTEGER });
    if (p.role === 'display' || p.role === 'platform')
      throw new ForbiddenException(`forbidden: a ${p.role} token may not acknowledge alerts`);
    const fired = await this.alerts.transition(p.orgId, id);
    // another org's, or a card the caller may not read: as if it did not exist
    if (
      fired === undefined ||
      !inAlertScope(await this.scopeOf(p), { level: fired.level, id: fired.entityId, orgId: fired.orgId })
    )
      throw new NotFoundException(`id: no alert ${id} in your scope`);
    if (fired.kind !== 'fired')
      throw new BadRequestException(`id: ${id} is a resolution; acknowledge the alert's fired transition`);
    const { ack, created } = await this.alerts.acknowledge(
      fired,
      { subject: p.subject, role: p.role },
      this.news.kind === 'outbox',
    );
    // stored first; a page that misses the push sees it on its next read
    if (created && this.news.kind === 'send')
      await this.news.send({ transitions: [], acknowledged: [ack] }).catch((err: unknown) => {
        this.logger.warn(`announcing the acknowledgement of alert ${id}: ${String(err)}`);
      });
    return { ...ack, created };
  }

  // Each alert with the silence in force that mutes it (the first made), matched on its labels as routing
  // matches them: the agent's team in the roster of record, the rule's kind in the definitions in force.
  private async withSilences(orgId: string, now: CurrentAlerts): Promise<CurrentAlerts & { alerts: Silenced[] }> {
    const at = Date.now();
    const silences = (await this.subscriptions.silences(orgId, at, false)).reverse();
    if (silences.length === 0) return { ...now, alerts: now.alerts.map((a) => ({ ...a, silenced: null })) };
    const teamOf = await teamsOf(this.rosters, orgId);
    const rules = this.registry.definitionsFor(orgId).scorecards;
    const alerts = now.alerts.map((a): Silenced => {
      const rule = rules.find((c) => c.id === a.scorecard)?.alerts.find((r) => r.id === a.rule);
      if (rule === undefined) return { ...a, silenced: null };
      const labels: AlertLabels = {
        org: a.orgId,
        team: a.level === 'team' ? a.entityId : a.level === 'agent' ? (teamOf(a.entityId) ?? null) : null,
        agent: a.level === 'agent' ? a.entityId : null,
        scorecard: a.scorecard,
        kpi: a.kpi,
        rule: a.rule,
        kind: rule.condition.kind,
        severity: rule.severity,
      };
      const s = silencedBy(silences, labels, at);
      return {
        ...a,
        silenced: s === undefined ? null : { id: s.id, by: s.createdBy, until: iso(s.endsAt), comment: s.comment },
      };
    });
    return { ...now, alerts };
  }

  private async scopeOf(p: Principal): Promise<AlertScope> {
    const agents =
      p.role === 'manager' ? (await Promise.all(p.teams.map((t) => this.access.agentsOf(p.orgId, t)))).flat() : [];
    return alertScopeOf(p, agents);
  }
}

// a positive integer query or path value up to `max`, its default when absent, or a 400 naming it
function count(field: string, text: string | undefined, bounds: { default: number; max: number }): number {
  if (text === undefined) return bounds.default;
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(n) || n < 1 || n > bounds.max)
    throw new BadRequestException(`${field}: expected an integer from 1 to ${bounds.max}`);
  return n;
}
