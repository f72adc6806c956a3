import { Module } from '@nestjs/common';
import { retentionOf } from '#runtime/retention';
import { IngestController } from './ingest.controller';
import { WebhooksController } from './webhooks.controller';

// ingest prunes the dead letters and the connectors' webhooks it writes
@Module({
  controllers: [IngestController, WebhooksController],
  providers: [retentionOf('dead-letters', 'webhook-payloads')],
})
export class IngestGatewayModule {}
