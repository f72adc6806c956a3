import { Body, Controller, Get, Inject, NotFoundException, Param, Patch, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiParam, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Principal } from '#libs/access';
import { parseActionItemFields, parseWeekLabel, ReviewInputError, type ActionItem } from '#libs/review';
import { AccessService } from '#runtime/access.service';
import { AuthGuard, CurrentPrincipal } from '#runtime/auth.guard';
import { ERROR, isRowId } from '#runtime/http-api';
import { assertMayRead, assertMayWrite, reviewInput, teamParam } from './review-access';
import { ReviewPackService } from './review-pack.service';
import { ACTION_ITEM, ACTION_ITEM_IN, ACTION_ITEM_PATCH, BAD_REVIEW_INPUT } from './review-schemas';

// The action items of a team's weekly review: agreed in the meeting with an owner and a due date, carried
// from pack to pack until done (docs/review-and-close.md). Read by whoever reads the team's scorecard;
// raised and changed by its managers and the org's admins.
@ApiTags('review')
@ApiBearerAuth()
@ApiResponse({ status: 401, description: 'no token, or one expired, revoked or forged', schema: ERROR })
@ApiResponse({ status: 403, description: 'the team is not in the caller’s scope', schema: ERROR })
@UseGuards(AuthGuard)
@Controller('v1/action-items')
export class ActionItemsController {
  constructor(
    @Inject(ReviewPackService) private readonly review: ReviewPackService,
    @Inject(AccessService) private readonly access: AccessService,
  ) {}

  @Get()
  @ApiQuery({ name: 'team', required: true })
  @ApiOperation({ summary: 'A team’s action items, every status' })
  @ApiResponse({ status: 200, schema: { type: 'array', items: ACTION_ITEM } })
  async list(@Query('team') team: unknown, @CurrentPrincipal() p: Principal): Promise<ActionItem[]> {
    const teamId = teamParam(team);
    await assertMayRead(this.access, p, teamId);
    return this.review.packs.actionItems(p.orgId, teamId);
  }

  @Post()
  @ApiOperation({ summary: 'Raise an action item: title, owner, due date (status open unless given)' })
  @ApiBody({ schema: ACTION_ITEM_IN })
  @ApiResponse({ status: 201, schema: ACTION_ITEM })
  @ApiResponse({ status: 400, description: 'a bad field, named', schema: BAD_REVIEW_INPUT })
  @ApiResponse({ status: 404, description: 'the team has no members in the org’s roster', schema: ERROR })
  async create(@Body() body: unknown, @CurrentPrincipal() p: Principal): Promise<ActionItem> {
    const input = reviewInput(() => {
      if (typeof body !== 'object' || body === null || Array.isArray(body))
        throw new ReviewInputError('body', 'invalid_type', 'must be a JSON object');
      return body as Record<string, unknown>;
    });
    const { team, week, ...rest } = input;
    const teamId = teamParam(team);
    assertMayWrite(p, teamId);
    // a team the roster does not know would collect items no review ever shows
    if ((await this.access.agentsOf(p.orgId, teamId)).length === 0)
      throw new NotFoundException(`team: ${teamId} has no members in the org's roster`);
    const raisedWeek = reviewInput(() => {
      if (week === undefined) return this.review.lastWeek(p.orgId).label;
      const parsed = typeof week === 'string' ? parseWeekLabel(this.review.timeZoneOf(p.orgId), week) : undefined;
      if (parsed === undefined)
        throw new ReviewInputError('week', 'invalid_value', 'must be an ISO week, like 2026-W48');
      return parsed.label;
    });
    const fields = reviewInput(() => parseActionItemFields(rest));
    return this.review.packs.createActionItem(p.orgId, teamId, raisedWeek, fields, p.subject, this.review.now());
  }

  @Patch(':id')
  @ApiParam({ name: 'id' })
  @ApiOperation({ summary: 'Change an action item: the fields given (status done closes it)' })
  @ApiBody({ schema: ACTION_ITEM_PATCH })
  @ApiResponse({ status: 200, schema: ACTION_ITEM })
  @ApiResponse({ status: 400, description: 'a bad field, named', schema: BAD_REVIEW_INPUT })
  @ApiResponse({ status: 404, description: 'no such item in the caller’s org', schema: ERROR })
  async update(@Param('id') id: string, @Body() body: unknown, @CurrentPrincipal() p: Principal): Promise<ActionItem> {
    const stored = isRowId(id) ? await this.review.packs.actionItem(p.orgId, id) : null;
    if (stored === null) throw new NotFoundException(`id: no action item ${id}`);
    // a reader of the team who may not change it learns nothing more than a 404 would tell
    await assertMayRead(this.access, p, stored.teamId);
    assertMayWrite(p, stored.teamId);
    const fields = reviewInput(() => {
      if (typeof body === 'object' && body !== null && 'week' in body)
        throw new ReviewInputError('week', 'unknown_field', 'an item keeps the week it was raised in');
      return parseActionItemFields(body, stored);
    });
    return this.review.packs.updateActionItem(p.orgId, stored, fields, this.review.now());
  }
}
