import { Module } from '@nestjs/common';
import { retentionOf } from '#runtime/retention';
import { AccessService } from '#runtime/access.service';
import { AuthGuard } from '#runtime/auth.guard';
import { ReviewPackModule } from '../../review-pack/src/review-pack.module';
import { AlertsController } from './alerts.controller';
import { AlertDeliveriesController } from './alert-deliveries.controller';
import { AlertSilencesController } from './alert-silences.controller';
import { AlertSubscriptionsController } from './alert-subscriptions.controller';
import { DefinitionsController } from './definitions.controller';
import { DefinitionsFollower } from './definitions-follower';
import { ScorecardGateway } from './scorecard.gateway';
import { PeriodCloseController } from './period-close.controller';
import { RosterController } from './roster.controller';
import { ScorecardsController } from './scorecards.controller';
import { SourcesController } from './sources.controller';
import { TokensController } from './tokens.controller';

@Module({
  imports: [ReviewPackModule], // the weekly review pack's API and schedule
  providers: [AccessService, AuthGuard, DefinitionsFollower, ScorecardGateway, retentionOf('revoked-tokens')],
  controllers: [
    AlertsController,
    DefinitionsController,
    RosterController,
    PeriodCloseController,
    ScorecardsController,
    SourcesController,
    TokensController,
    AlertSubscriptionsController,
    AlertSilencesController,
    AlertDeliveriesController,
  ],
})
export class ScorecardGatewayModule {}
