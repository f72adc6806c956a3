import { Module } from '@nestjs/common';
import { retentionOf } from '#runtime/retention';
import { IndicatorProcessorService } from './indicator-processor.service';

// the processor prunes the log it reads and the value history it writes
@Module({ providers: [IndicatorProcessorService, retentionOf('event-log', 'indicator-history')] })
export class IndicatorProcessorModule {}
