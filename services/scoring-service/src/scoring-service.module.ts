import { Module } from '@nestjs/common';
import { retentionOf } from '#runtime/retention';
import { ScoringService } from './scoring.service';

// scoring prunes the scorecard history and breaches it writes, and the feed (the middle of every hand-off)
@Module({ providers: [ScoringService, retentionOf('scorecard-history', 'breaches', 'feed')] })
export class ScoringServiceModule {}
