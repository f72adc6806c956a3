import { Module } from '@nestjs/common';
import { retentionOf } from '#runtime/retention';
import { AlertingService } from './alerting.service';

@Module({ providers: [AlertingService, retentionOf('deliveries')] })
export class AlertingModule {}
