import { Module } from '@nestjs/common';
import { AccessService } from '#runtime/access.service';
import { AuthGuard } from '#runtime/auth.guard';
import { ActionItemsController } from './action-items.controller';
import { ReviewPackService } from './review-pack.service';
import { ReviewPacksController } from './review-packs.controller';

// The weekly review pack (docs/review-and-close.md): its REST API, the schedule and the deal follower.
// Part of the scorecard gateway, which serves the page the pack is printed from.
@Module({
  providers: [AccessService, AuthGuard, ReviewPackService],
  controllers: [ReviewPacksController, ActionItemsController],
})
export class ReviewPackModule {}
