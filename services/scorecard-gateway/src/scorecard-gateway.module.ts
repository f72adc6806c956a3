import { Module } from '@nestjs/common';
import { DefinitionsController } from './definitions.controller';
import { ScorecardGateway } from './scorecard.gateway';
import { ScorecardsController } from './scorecards.controller';

@Module({ providers: [ScorecardGateway], controllers: [DefinitionsController, ScorecardsController] })
export class ScorecardGatewayModule {}
