import {
  BadRequestException,
  Body,
  ConflictException,
  Controller,
  ForbiddenException,
  Get,
  HttpCode,
  Inject,
  NotFoundException,
  Param,
  Post,
  Query,
  UseGuards,
} from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { entityOfRoom, parseScope, type Principal } from '#libs/access';
import { scorecardOfPeriod, type DefinitionsRegistry } from '#libs/pipeline';
import type {
  AuditEntry,
  ClosedPeriodRow,
  FinalGrade,
  FrozenScorecard,
  PeriodCloseRepository,
  RestatementDecision,
  RestatementRow,
} from '#libs/postgres';
import { PERIOD_CLOSE, REGISTRY } from '#runtime/tokens';
import { AccessService } from '#runtime/access.service';
import { AuthGuard, CurrentPrincipal, Roles } from '#runtime/auth.guard';
import { ERROR } from '#runtime/http-api';
import {
  AUDIT,
  CALIBRATION,
  CLOSED_PERIODS,
  GRADE_DECIDED,
  GRADE_IN,
  REASON_IN,
  RESTATEMENT,
  RESTATEMENTS,
  REVIEW_PERIOD,
} from './period-close-schemas';

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?(Z|[+-]\d{2}:\d{2})$/;
const MAX_REASON = 1000;

// Closed periods (docs/review-and-close.md): their frozen scorecards per team with the previous closed
// period's, restatements an admin approves or dismisses, the calibration proposal and final grades a
// manager (their teams) or an admin decides, and the audit trail. Every decision names who and why.
@ApiTags('period close')
@ApiBearerAuth()
@ApiResponse({ status: 401, description: 'no token, or one expired, revoked or forged', schema: ERROR })
@ApiResponse({ status: 403, description: 'not an admin or manager, or beyond their teams', schema: ERROR })
@UseGuards(AuthGuard)
@Roles(['admin', 'manager'])
@Controller('v1')
export class PeriodCloseController {
  constructor(
    @Inject(PERIOD_CLOSE) private readonly closes: PeriodCloseRepository,
    @Inject(REGISTRY) private readonly registry: DefinitionsRegistry,
    @Inject(AccessService) private readonly access: AccessService,
  ) {}

  @Get('closed-periods')
  @ApiOperation({ summary: "The org's closed periods, newest first, with their calibration and bonus outcome" })
  @ApiQuery({ name: 'scorecard', required: false })
  @ApiQuery({ name: 'limit', required: false, description: '1 to 1000 (default 100)' })
  @ApiResponse({ status: 200, schema: CLOSED_PERIODS })
  @ApiResponse({ status: 400, description: 'a malformed limit', schema: ERROR })
  async list(
    @CurrentPrincipal() p: Principal,
    @Query('scorecard') scorecard?: string,
    @Query('limit') limit?: string,
  ): Promise<ClosedPeriodRow[]> {
    return this.closes.closedPeriods(p.orgId, scorecard ?? null, readLimit(limit, 100, 1000));
  }

  @Get('closed-periods/:scorecard/:periodStart')
  @ApiOperation({
    summary: "A closed period's frozen scorecards (of one team, or all) and the previous closed period's beside them",
  })
  @ApiQuery({ name: 'team', required: false, description: "a team's cards and its agents' (a manager: one of theirs)" })
  @ApiResponse({ status: 200, schema: REVIEW_PERIOD })
  @ApiResponse({ status: 400, description: 'a malformed period start', schema: ERROR })
  @ApiResponse({ status: 404, description: 'no such closed period', schema: ERROR })
  async review(
    @CurrentPrincipal() p: Principal,
    @Param('scorecard') scorecard: string,
    @Param('periodStart') periodStart: string,
    @Query('team') team?: string,
  ): Promise<{
    period: ClosedPeriodRow;
    current: FrozenScorecard[];
    previous: FrozenScorecard[];
    previousStart: string | null;
  }> {
    const period = await this.period(p, scorecard, periodStart);
    const ids = await this.scopeIds(p, team);
    return { period, ...(await this.closes.reviewPeriod(p.orgId, scorecard, Date.parse(period.periodStart), ids)) };
  }

  @Get('closed-periods/:scorecard/:periodStart/calibration')
  @ApiOperation({ summary: 'The forced-distribution proposal of a closed period and the final grades decided so far' })
  @ApiQuery({ name: 'team', required: false })
  @ApiResponse({ status: 200, schema: CALIBRATION })
  @ApiResponse({ status: 404, description: 'no such closed period', schema: ERROR })
  async calibration(
    @CurrentPrincipal() p: Principal,
    @Param('scorecard') scorecard: string,
    @Param('periodStart') periodStart: string,
    @Query('team') team?: string,
  ): Promise<{
    period: ClosedPeriodRow;
    proposal: ClosedPeriodRow['outcome']['calibration'];
    decisions: {
      entity: FrozenScorecard['content']['entity'];
      computed: string | null;
      finalGrade: FinalGrade | null;
    }[];
  }> {
    const period = await this.period(p, scorecard, periodStart);
    const ids = await this.scopeIds(p, team);
    const cards = await this.closes.frozenCards(p.orgId, scorecard, Date.parse(period.periodStart), ids);
    const visible = new Set(cards.map((c) => c.content.entity.id));
    const proposal = period.outcome.calibration;
    return {
      period,
      // the whole population is ranked; a manager sees the places of their teams' people
      proposal:
        proposal === null ? null : { ...proposal, grades: proposal.grades.filter((g) => visible.has(g.entityId)) },
      decisions: cards.map((c) => ({ entity: c.content.entity, computed: c.content.grade, finalGrade: c.finalGrade })),
    };
  }

  @Post('closed-periods/:scorecard/:periodStart/grades/:entity')
  @HttpCode(201)
  @ApiOperation({
    summary:
      'Accept the proposed grade, or adjust it, for one frozen card (agent:O1:A1), with a reason: stored beside the computed grade',
  })
  @ApiBody({ schema: GRADE_IN })
  @ApiResponse({ status: 201, schema: GRADE_DECIDED })
  @ApiResponse({ status: 400, description: 'a bad grade or reason, named', schema: ERROR })
  @ApiResponse({ status: 404, description: 'no such closed period or frozen card', schema: ERROR })
  async decideGrade(
    @CurrentPrincipal() p: Principal,
    @Param('scorecard') scorecard: string,
    @Param('periodStart') periodStart: string,
    @Param('entity') entityText: string,
    @Body() body: unknown,
  ): Promise<FinalGrade & { entity: string }> {
    const period = await this.period(p, scorecard, periodStart);
    const scope = parseScope(entityText);
    const entity = entityOfRoom(entityText);
    if (scope === undefined || entity === undefined)
      throw new BadRequestException('entity: expected team:<org>:<team> or agent:<org>:<agent>');
    if (!(await this.access.mayRead(p, scope)) || (p.role === 'manager' && entity.level === 'org'))
      throw new ForbiddenException(`forbidden: a ${p.role} token may not grade ${entityText}`);
    const definitions = this.registry.forOrg(p.orgId);
    const def = scorecardOfPeriod(
      definitions,
      scorecard,
      (await this.closes.frozenCards(p.orgId, scorecard, Date.parse(period.periodStart), [entity.id]))[0]?.content
        .timeZone ?? 'UTC',
      Date.parse(period.periodEnd),
    );
    const grades = def?.grades ?? [];
    const { grade, reason } = readGradeInput(
      body,
      grades.map((g) => g.grade),
    );
    const coefficient = grades.find((g) => g.grade === grade)?.coefficient ?? null;
    const decided = await this.closes.decideGrade(
      { orgId: p.orgId, scorecard, periodStart: Date.parse(period.periodStart), entity },
      { grade, coefficient },
      { subject: p.subject, role: p.role },
      reason,
    );
    if (!decided) throw new NotFoundException(`entity: ${entityText} has no frozen ${scorecard} card in that period`);
    return {
      entity: entityText,
      grade,
      coefficient,
      decidedBy: p.subject,
      role: p.role,
      reason,
      decidedAt: new Date().toISOString(),
    };
  }

  @Get('restatements')
  @Roles(['admin'])
  @ApiOperation({ summary: 'Restatements late events made of frozen scorecards, newest first' })
  @ApiQuery({ name: 'status', required: false, enum: ['pending', 'approved', 'dismissed'] })
  @ApiQuery({ name: 'limit', required: false, description: '1 to 1000 (default 100)' })
  @ApiResponse({ status: 200, schema: RESTATEMENTS })
  @ApiResponse({ status: 400, description: 'a malformed status or limit', schema: ERROR })
  async restatements(
    @CurrentPrincipal() p: Principal,
    @Query('status') status?: string,
    @Query('limit') limit?: string,
  ): Promise<RestatementRow[]> {
    if (status !== undefined && !['pending', 'approved', 'dismissed'].includes(status))
      throw new BadRequestException('status: expected one of pending, approved, dismissed');
    return this.closes.restatements(
      p.orgId,
      (status as RestatementRow['status'] | undefined) ?? null,
      null,
      readLimit(limit, 100, 1000),
    );
  }

  @Post('restatements/:id/approve')
  @Roles(['admin'])
  @HttpCode(200)
  @ApiOperation({
    summary: 'Approve a pending restatement, with a reason: the restated card is then the one in effect',
  })
  @ApiBody({ schema: REASON_IN })
  @ApiResponse({ status: 200, schema: RESTATEMENT })
  @ApiResponse({ status: 400, description: 'a missing or overlong reason', schema: ERROR })
  @ApiResponse({ status: 404, description: 'no such restatement in the org', schema: ERROR })
  @ApiResponse({ status: 409, description: 'already decided', schema: ERROR })
  async approve(
    @CurrentPrincipal() p: Principal,
    @Param('id') id: string,
    @Body() body: unknown,
  ): Promise<RestatementRow> {
    return this.decide(p, id, 'approved', body);
  }

  @Post('restatements/:id/dismiss')
  @Roles(['admin'])
  @HttpCode(200)
  @ApiOperation({ summary: 'Dismiss a pending restatement, with a reason: the frozen card stays the one in effect' })
  @ApiBody({ schema: REASON_IN })
  @ApiResponse({ status: 200, schema: RESTATEMENT })
  @ApiResponse({ status: 400, description: 'a missing or overlong reason', schema: ERROR })
  @ApiResponse({ status: 404, description: 'no such restatement in the org', schema: ERROR })
  @ApiResponse({ status: 409, description: 'already decided', schema: ERROR })
  async dismiss(
    @CurrentPrincipal() p: Principal,
    @Param('id') id: string,
    @Body() body: unknown,
  ): Promise<RestatementRow> {
    return this.decide(p, id, 'dismissed', body);
  }

  @Get('close-audit')
  @Roles(['admin'])
  @ApiOperation({ summary: 'The audit trail of closes, restatements and grade decisions, newest first' })
  @ApiQuery({ name: 'scorecard', required: false })
  @ApiQuery({ name: 'periodStart', required: false })
  @ApiQuery({ name: 'entity', required: false, description: 'an entity id' })
  @ApiQuery({ name: 'limit', required: false, description: '1 to 10000 (default 200)' })
  @ApiResponse({ status: 200, schema: AUDIT })
  @ApiResponse({ status: 400, description: 'a malformed period start or limit', schema: ERROR })
  async audit(
    @CurrentPrincipal() p: Principal,
    @Query('scorecard') scorecard?: string,
    @Query('periodStart') periodStart?: string,
    @Query('entity') entityId?: string,
    @Query('limit') limit?: string,
  ): Promise<AuditEntry[]> {
    const filter: { scorecard?: string; periodStart?: number; entityId?: string } = {};
    if (scorecard !== undefined) filter.scorecard = scorecard;
    if (periodStart !== undefined) filter.periodStart = readInstant(periodStart);
    if (entityId !== undefined) filter.entityId = entityId;
    return this.closes.auditTrail(p.orgId, filter, readLimit(limit, 200, 10_000));
  }

  private async decide(
    p: Principal,
    id: string,
    decision: RestatementDecision,
    body: unknown,
  ): Promise<RestatementRow> {
    if (!/^\d{1,18}$/.test(id)) throw new NotFoundException(`id: no restatement ${id}`);
    const reason = readReason(body);
    const done = await this.closes.decideRestatement(p.orgId, id, decision, p.subject, reason);
    if (done === undefined) throw new NotFoundException(`id: no restatement ${id}`);
    if (done === 'decided') throw new ConflictException(`id: restatement ${id} was decided already`);
    return done;
  }

  private async period(p: Principal, scorecard: string, periodStart: string): Promise<ClosedPeriodRow> {
    const period = await this.closes.closedPeriod(p.orgId, scorecard, readInstant(periodStart));
    if (period === undefined)
      throw new NotFoundException(`periodStart: no closed ${scorecard} period from ${periodStart}`);
    return period;
  }

  // the entity ids a request reads: a team's (the team and its agents today), or, for an admin, all
  private async scopeIds(p: Principal, team: string | undefined): Promise<string[] | null> {
    if (team === undefined) {
      if (p.role === 'admin') return null;
      const teams = [...p.teams];
      const agents = await Promise.all(teams.map((t) => this.access.agentsOf(p.orgId, t)));
      return [...teams, ...agents.flat()];
    }
    if (p.role !== 'admin' && !p.teams.includes(team))
      throw new ForbiddenException(`forbidden: a ${p.role} token may not read team ${team}`);
    return [team, ...(await this.access.agentsOf(p.orgId, team))];
  }
}

function readLimit(text: string | undefined, fallback: number, max: number): number {
  const n = text === undefined ? fallback : Number(text);
  if (!Number.isInteger(n) || n < 1 || n > max)
    throw new BadRequestException(`limit: expected an integer from 1 to ${max}`);
  return n;
}

function readInstant(text: string): number {
  if (!ISO_INSTANT.test(text) || Number.isNaN(Date.parse(text)))
    throw new BadRequestException(
      `periodStart: expected an RFC 3339 instant, got ${JSON.stringify(text.slice(0, 40))}`,
    );
  return Date.parse(text);
}

function readReason(body: unknown): string {
  const reason = typeof body === 'object' && body !== null ? (body as { reason?: unknown }).reason : undefined;
  if (typeof reason !== 'string' || reason.trim() === '')
    throw new BadRequestException('reason: expected a non-empty string');
  if (reason.length > MAX_REASON) throw new BadRequestException(`reason: expected at most ${MAX_REASON} characters`);
  return reason.trim();
}

function readGradeInput(body: unknown, grades: readonly string[]): { grade: string; reason: string } {
  const grade = typeof body === 'object' && body !== null ? (body as { grade?: unknown }).grade : undefined;
  if (typeof grade !== 'string' || !grades.includes(grade))
    throw new BadRequestException(`grade: expected one of ${grades.join(', ')}`);
  return { grade, reason: readReason(body) };
}
