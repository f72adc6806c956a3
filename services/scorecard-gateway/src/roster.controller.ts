import {
  BadRequestException,
  Body,
  Controller,
  Get,
  Inject,
  Post,
  Put,
  Query,
  Req,
  UnsupportedMediaTypeException,
  UseGuards,
} from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import {
  isRosterDate,
  MAX_MOVES,
  MAX_ROSTER_ROWS,
  parseMoves,
  parseRosterCsv,
  parseRosterJson,
  RosterError,
  UNKNOWN_MEMBER_POLICIES,
  type Membership,
  type Principal,
  type UnknownMemberPolicy,
} from '#libs/access';
import type { RosterCache } from '#libs/pipeline';
import type { RosterAsOf, RosterRepository, UnknownMember } from '#libs/postgres';
import { ROSTER, ROSTER_CACHE } from '#runtime/tokens';
import { AuthGuard, CurrentPrincipal, Roles } from '#runtime/auth.guard';
import { ERROR } from '#runtime/http-api';
import { ROSTER_AS_OF, UNKNOWN_MEMBERS } from './openapi-schemas';

const BAD_ROW = {
  type: 'object',
  properties: {
    statusCode: { type: 'integer', example: 400 },
    message: { type: 'string', example: 'row 3: from: expected a date YYYY-MM-DD, got "2026-13-01"' },
    row: { type: 'integer', description: 'CSV: the line (the header is line 1); JSON: the index in its list' },
    field: { type: 'string', example: 'from' },
    code: {
      type: 'string',
      enum: ['missing', 'invalid_id', 'invalid_date', 'invalid_range', 'overlap', 'invalid_value'],
    },
  },
};
const MEMBERSHIP = {
  type: 'object',
  required: ['agent', 'team', 'from'],
  properties: {
    agent: { type: 'string', example: 'O1-T1-A1' },
    team: { type: 'string', example: 'O1-T1' },
    from: { type: 'string', format: 'date', description: 'the first day in the team (the org’s time zone)' },
    to: { type: 'string', format: 'date', nullable: true, description: 'the first day no longer in it; absent: open' },
  },
};

// The roster of record of the admin's org: who works in which team, from when to when. Access decisions
// read it (a manager reads the agents in their teams today); event payloads never change it.
@ApiTags('roster')
@ApiBearerAuth()
@ApiResponse({ status: 401, description: 'no token, or one expired, revoked or forged', schema: ERROR })
@ApiResponse({ status: 403, description: 'not an admin', schema: ERROR })
@UseGuards(AuthGuard)
@Roles(['admin'])
@Controller('v1/roster')
export class RosterController {
  constructor(
    @Inject(ROSTER) private readonly roster: RosterRepository,
    @Inject(ROSTER_CACHE) private readonly rosters: RosterCache,
  ) {}

  @Put()
  @ApiOperation({
    summary: "Replace the admin's org's roster (JSON or CSV)",
    description:
      'The whole roster: its members and memberships replace the old ones (a team not named is removed; a ' +
      "team's name and managers not given keep their earlier values). CSV: a header with the columns agent, team, " +
      `from and optionally to and name; up to ${MAX_ROSTER_ROWS} memberships (CSV up to 2 MiB). ` +
      'Dates are YYYY-MM-DD in the org’s time zone; `to` is exclusive. An agent is in at most one team on a day. ' +
      'A bad row is refused by its row, field and code, and nothing is changed.',
  })
  @ApiConsumes('application/json', 'text/csv')
  @ApiBody({
    schema: {
      oneOf: [
        {
          type: 'object',
          required: ['memberships'],
          properties: {
            memberships: { type: 'array', items: MEMBERSHIP, maxItems: MAX_ROSTER_ROWS },
            members: {
              type: 'array',
              items: { type: 'object', properties: { agent: { type: 'string' }, name: { type: 'string' } } },
            },
            teams: {
              type: 'array',
              items: {
                type: 'object',
                properties: {
                  team: { type: 'string' },
                  name: { type: 'string' },
                  managers: { type: 'array', items: { type: 'string' }, description: 'managers’ token subjects' },
                },
              },
            },
          },
        },
        { type: 'string', example: 'agent,team,from,to,name\nO1-T1-A1,O1-T1,2026-01-01,,Li Na\n' },
      ],
    },
  })
  @ApiResponse({
    status: 200,
    schema: {
      type: 'object',
      properties: { members: { type: 'integer' }, teams: { type: 'integer' }, memberships: { type: 'integer' } },
    },
  })
  @ApiResponse({ status: 400, description: 'a bad row, named', schema: BAD_ROW })
  @ApiResponse({ status: 413, description: 'the body is too large' })
  @ApiResponse({ status: 415, description: 'neither application/json nor text/csv' })
  async replace(
    @Req() req: Request,
    @Body() body: unknown,
    @CurrentPrincipal() admin: Principal,
  ): Promise<{ members: number; teams: number; memberships: number }> {
    let parsed;
    if (req.is('text/csv') !== false && typeof body === 'string') parsed = checked(() => parseRosterCsv(body));
    else if (req.is('application/json') !== false) parsed = checked(() => parseRosterJson(body));
    else throw new UnsupportedMediaTypeException('content-type: expected application/json or text/csv');
    const counts = await this.roster.replace(admin.orgId, parsed);
    this.rosters.forget(admin.orgId);
    return counts;
  }

  @Get()
  @ApiOperation({ summary: "The admin's org's teams and their agents on a day (default: today, the org's date)" })
  @ApiQuery({ name: 'asOf', required: false, description: 'YYYY-MM-DD' })
  @ApiResponse({ status: 200, schema: ROSTER_AS_OF })
  @ApiResponse({ status: 400, description: 'asOf is not a date', schema: ERROR })
  async read(@Query('asOf') asOf: unknown, @CurrentPrincipal() admin: Principal): Promise<RosterAsOf> {
    if (asOf !== undefined && (typeof asOf !== 'string' || !isRosterDate(asOf)))
      throw new BadRequestException('asOf: expected a date YYYY-MM-DD');
    return this.roster.asOf(admin.orgId, asOf ?? this.rosters.today(admin.orgId));
  }

  @Post('moves')
  @ApiOperation({
    summary: 'Directory sync hook: apply membership changes (an HR directory’s webhook)',
    description:
      'A list of moves, applied in order: from `from` on the agent works in `team` (null: leaves), superseding what ' +
      `the roster held from that day. Up to ${MAX_MOVES} moves per call. Authenticated as an admin of the org.`,
  })
  @ApiBody({
    schema: {
      type: 'object',
      required: ['moves'],
      properties: {
        moves: {
          type: 'array',
          maxItems: MAX_MOVES,
          items: {
            type: 'object',
            required: ['agent', 'from'],
            properties: {
              agent: { type: 'string', example: 'O1-T2-A9' },
              team: { type: 'string', nullable: true, example: 'O1-T1' },
              from: { type: 'string', format: 'date' },
              name: { type: 'string' },
            },
          },
        },
      },
    },
  })
  @ApiResponse({
    status: 201,
    description: 'the moved agents’ memberships now',
    schema: {
      type: 'object',
      properties: { applied: { type: 'integer' }, memberships: { type: 'array', items: MEMBERSHIP } },
    },
  })
  @ApiResponse({ status: 400, description: 'a bad move, named', schema: BAD_ROW })
  async move(
    @Body() body: unknown,
    @CurrentPrincipal() admin: Principal,
  ): Promise<{ applied: number; memberships: { agent: string; team: string; from: string; to: string | null }[] }> {
    const moves = checked(() => parseMoves(body));
    const memberships = await this.roster.move(admin.orgId, moves);
    this.rosters.forget(admin.orgId);
    return { applied: moves.length, memberships: memberships.map(asRow) };
  }

  @Put('settings')
  @ApiOperation({
    summary: 'What ingest does with events naming an agent or team the roster does not know',
    description:
      'accept (the default): taken, counted (GET /v1/roster/unknown), granting nobody access; reject: refused with code unknown_member',
  })
  @ApiBody({
    schema: {
      type: 'object',
      required: ['unknownMembers'],
      properties: { unknownMembers: { type: 'string', enum: [...UNKNOWN_MEMBER_POLICIES] } },
    },
  })
  @ApiResponse({
    status: 200,
    schema: { type: 'object', properties: { unknownMembers: { type: 'string', enum: [...UNKNOWN_MEMBER_POLICIES] } } },
  })
  @ApiResponse({ status: 400, description: 'not one of the policies', schema: ERROR })
  async settings(
    @Body() body: unknown,
    @CurrentPrincipal() admin: Principal,
  ): Promise<{ unknownMembers: UnknownMemberPolicy }> {
    const policy = (body as { unknownMembers?: unknown } | null)?.unknownMembers;
    if (typeof policy !== 'string' || !(UNKNOWN_MEMBER_POLICIES as readonly string[]).includes(policy))
      throw new BadRequestException(`unknownMembers: expected one of ${UNKNOWN_MEMBER_POLICIES.join(', ')}`);
    await this.roster.setPolicy(admin.orgId, policy as UnknownMemberPolicy, admin.subject);
    this.rosters.forget(admin.orgId);
    return { unknownMembers: policy as UnknownMemberPolicy };
  }

  @Get('unknown')
  @ApiOperation({
    summary: 'Agent and team ids events named that the roster does not know (yet), with counts and when last seen',
  })
  @ApiResponse({ status: 200, schema: UNKNOWN_MEMBERS })
  unknown(@CurrentPrincipal() admin: Principal): Promise<UnknownMember[]> {
    return this.roster.unknownOf(admin.orgId);
  }
}

function checked<T>(parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    if (err instanceof RosterError)
      throw new BadRequestException({
        statusCode: 400,
        error: 'Bad Request',
        message: err.message,
        ...(err.row === undefined ? {} : { row: err.row }),
        field: err.field,
        code: err.code,
      });
    throw err;
  }
}

function asRow(m: Membership): { agent: string; team: string; from: string; to: string | null } {
  return { agent: m.agentId, team: m.teamId, from: m.from, to: m.to };
}
