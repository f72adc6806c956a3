import { Module } from '@nestjs/common';
import { AlertingService } from './alerting.service';

@Module({ providers: [AlertingService] })
export class AlertingModule {}
