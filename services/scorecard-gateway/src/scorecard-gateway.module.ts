import { Module } from '@nestjs/common';
import { DefinitionsController } from './definitions.controller';
import { ScorecardGateway } from './scorecard.gateway';

@Module({ providers: [ScorecardGateway], controllers: [DefinitionsController] })
export class ScorecardGatewayModule {}
