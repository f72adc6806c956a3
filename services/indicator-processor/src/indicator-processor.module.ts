import { Module } from '@nestjs/common';
import { IndicatorProcessorService } from './indicator-processor.service';

@Module({ providers: [IndicatorProcessorService] })
export class IndicatorProcessorModule {}
