import {
  BadRequestException,
  Controller,
  ForbiddenException,
  Get,
  Inject,
  Param,
  Query,
  UseGuards,
} from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { entityOfRoom, homeScopes, parseScope, scopeName, type Principal } from '#libs/access';
import type { EntityRef } from '#libs/indicators';
import {
  completeStoredCard,
  rescoreEntities,
  VIEW_WINDOWS,
  type DefinitionsRegistry,
  type ScoredCard,
  type ViewWindow,
} from '#libs/pipeline';
import type { HistoryPoint, IndicatorStateRepository, ScorecardsRepository } from '#libs/postgres';
import { INDICATOR_STORE, REGISTRY, SCORECARDS } from '#runtime/tokens';
import { AccessService } from '#runtime/access.service';
import { AuthGuard, CurrentPrincipal } from '#runtime/auth.guard';
import { ERROR } from '#runtime/http-api';
import { HISTORY, ME, SCORED_CARDS } from './openapi-schemas';

// Scorecards over REST, for the signed-in: the latest of an entity (or re-scored over another window),
// a scorecard's history, and who the caller is. Entities are named like socket rooms: org:<org>,
// team:<org>:<team>, agent:<org>:<agent>; each role reads only what libs/access allows.
@ApiTags('scorecards')
@ApiBearerAuth()
@ApiResponse({ status: 401, description: 'no token, or one expired, revoked or forged', schema: ERROR })
@UseGuards(AuthGuard)
@Controller('v1')
export class ScorecardsController {
  constructor(
    @Inject(SCORECARDS) private readonly scorecards: ScorecardsRepository,
    @Inject(INDICATOR_STORE) private readonly values: IndicatorStateRepository,
    @Inject(REGISTRY) private readonly registry: DefinitionsRegistry,
    @Inject(AccessService) private readonly access: AccessService,
  ) {}

  @Get('me')
  @ApiOperation({ summary: "The caller's role and org, and the rooms their page starts with" })
  @ApiResponse({ status: 200, schema: ME })
  me(@CurrentPrincipal() p: Principal): {
    role: string;
    org: string;
    teams: readonly string[];
    agent?: string;
    rooms: string[];
  } {
    const rooms = homeScopes(p).map(scopeName);
    return p.agentId === undefined
      ? { role: p.role, org: p.orgId, teams: p.teams, rooms }
      : { role: p.role, org: p.orgId, teams: p.teams, agent: p.agentId, rooms };
  }

  @Get('scorecards/:entity')
  @ApiOperation({ summary: 'The latest scorecards of an entity (org:O1, team:O1:T1, agent:O1:A1)' })
  @ApiQuery({
    name: 'period',
    required: false,
    enum: VIEW_WINDOWS,
    description: "re-scored over this window instead of each KPI's own (e.g. this week so far)",
  })
  @ApiResponse({ status: 200, schema: SCORED_CARDS })
  @ApiResponse({ status: 400, description: 'a malformed entity or period', schema: ERROR })
  @ApiResponse({ status: 403, description: 'the token may not read that entity', schema: ERROR })
  async latest(
    @CurrentPrincipal() p: Principal,
    @Param('entity') text: string,
    @Query('period') period?: string,
  ): Promise<ScoredCard[]> {
    const entity = await this.readable(p, text);
    if (period === undefined) return this.completed(entity, await this.scorecards.latestFor(entity));
    return rescoreEntities([entity], Date.now(), this.registry.definitionsFor, this.values, viewWindow(period));
  }

  @Get('scorecards/:entity/previous')
  @ApiOperation({
    summary: "The scorecards of an entity's previous period (the period before the latest), to compare with",
  })
  @ApiQuery({
    name: 'period',
    required: false,
    enum: VIEW_WINDOWS,
    description: 'the window before the current one, re-scored (none for a rolling window)',
  })
  @ApiResponse({ status: 200, schema: SCORED_CARDS })
  @ApiResponse({ status: 400, description: 'a malformed entity or period', schema: ERROR })
  @ApiResponse({ status: 403, description: 'the token may not read that entity', schema: ERROR })
  async previous(
    @CurrentPrincipal() p: Principal,
    @Param('entity') text: string,
    @Query('period') period?: string,
  ): Promise<ScoredCard[]> {
    const entity = await this.readable(p, text);
    if (period === undefined) return this.completed(entity, await this.scorecards.previousFor(entity));
    const over = viewWindow(period);
    // a rolling window keeps no earlier reading to re-score: nothing to compare with
    if (over.startsWith('rolling:')) return [];
    const current = await rescoreEntities([entity], Date.now(), this.registry.definitionsFor, this.values, over);
    const start = Math.min(...current.map((c) => c.periodStart));
    if (!Number.isFinite(start)) return [];
    // the window holding the moment just before the current one starts is the previous one
    return rescoreEntities([entity], start - 1, this.registry.definitionsFor, this.values, over);
  }

  @Get('scorecards/:entity/:scorecard/history')
  @ApiOperation({ summary: "A scorecard's total, grade and KPI actuals over time for an entity, newest first" })
  @ApiQuery({ name: 'limit', required: false, description: 'points, 1 to 10000 (default 100)' })
  @ApiResponse({ status: 200, schema: HISTORY })
  @ApiResponse({ status: 400, description: 'a malformed entity or limit', schema: ERROR })
  @ApiResponse({ status: 403, description: 'the token may not read that entity', schema: ERROR })
  async history(
    @CurrentPrincipal() p: Principal,
    @Param('entity') text: string,
    @Param('scorecard') scorecard: string,
    @Query('limit') limit?: string,
  ): Promise<HistoryPoint[]> {
    const n = limit === undefined ? 100 : Number(limit);
    if (!Number.isInteger(n) || n < 1 || n > 10_000)
      throw new BadRequestException('limit: expected an integer from 1 to 10000');
    return this.scorecards.history(scorecard, await this.readable(p, text), n);
  }

  private async readable(p: Principal, text: string): Promise<EntityRef> {
    const scope = parseScope(text);
    const entity = entityOfRoom(text);
    if (scope === undefined || entity === undefined)
      throw new BadRequestException('entity: expected org:<org>, team:<org>:<team> or agent:<org>:<agent>');
    if (!(await this.access.mayRead(p, scope)))
      throw new ForbiddenException(`forbidden: a ${p.role} token may not read ${text}`);
    return entity;
  }

  // stored cards, completed with what older ones lack from the org's definitions in force
  private completed(entity: EntityRef, cards: Parameters<typeof completeStoredCard>[0][]): ScoredCard[] {
    return cards.map((c) => completeStoredCard(c, this.registry.forOrg(entity.orgId)));
  }
}

// the `period` query: one of the view windows, or a 400 that names them
function viewWindow(period: string): ViewWindow {
  if (!(VIEW_WINDOWS as readonly string[]).includes(period))
    throw new BadRequestException(`period: expected one of ${VIEW_WINDOWS.join(', ')}`);
  return period as ViewWindow;
}
