import { Module } from '@nestjs/common';
import { retentionOf } from '#runtime/retention';
import { IngestController } from './ingest.controller';

// ingest prunes the dead letters it writes
@Module({ controllers: [IngestController], providers: [retentionOf('dead-letters')] })
export class IngestGatewayModule {}
