import { Module } from '@nestjs/common';
import { ScorecardGateway } from './scorecard.gateway';

@Module({ providers: [ScorecardGateway] })
export class ScorecardGatewayModule {}
