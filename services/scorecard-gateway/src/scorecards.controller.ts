import { BadRequestException, Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { ScoredCard } from '#libs/pipeline';
import type { ScorecardsRepository } from '#libs/postgres';
import { SCORECARDS } from '../../runtime/src/tokens';
import { parseRoom } from './scorecard.gateway';

// Scorecards over REST: the latest of an entity, a scorecard's history, the open red-line breaches.
// Entities are named like socket rooms: org:<org>, team:<org>:<team>, agent:<org>:<agent>.
@ApiTags('scorecards')
@Controller('v1/scorecards')
export class ScorecardsController {
  constructor(@Inject(SCORECARDS) private readonly scorecards: ScorecardsRepository) {}

  @Get(':entity')
  @ApiOperation({ summary: 'The latest scorecards of an entity (org:O1, team:O1:T1, agent:O1:A1)' })
  async latest(@Param('entity') entity: string): Promise<ScoredCard[]> {
    return this.scorecards.latestFor(entityOf(entity));
  }

  @Get(':entity/:scorecard/history')
  @ApiOperation({ summary: "A scorecard's total and grade over time for an entity, newest first" })
  async history(
    @Param('entity') entity: string,
    @Param('scorecard') scorecard: string,
    @Query('limit') limit?: string,
  ): Promise<{ periodStart: Date; total: number | null; grade: string | null; recordedAt: Date }[]> {
    const n = limit === undefined ? 100 : Number(limit);
    if (!Number.isInteger(n) || n < 1 || n > 10_000)
      throw new BadRequestException('limit: expected an integer from 1 to 10000');
    return this.scorecards.history(scorecard, entityOf(entity), n);
  }
}

function entityOf(text: string) {
  const entity = parseRoom(text);
  if (entity === undefined)
    throw new BadRequestException('entity: expected org:<org>, team:<org>:<team> or agent:<org>:<agent>');
  return entity;
}
