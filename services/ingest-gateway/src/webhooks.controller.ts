import {
  Controller,
  HttpCode,
  Inject,
  Param,
  Post,
  Req,
  Res,
  ServiceUnavailableException,
  UnauthorizedException,
} from '@nestjs/common';
import {
  ApiExtraModels,
  ApiOperation,
  ApiParam,
  ApiResponse,
  ApiSecurity,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import { IngestOutcomeSchema } from './ingest.schemas';
import type { Request, Response } from 'express';
import { CONNECTOR_NAMES, isConnectorName } from '#libs/connectors';
import type { DefinitionSet } from '#libs/definitions';
import {
  receiveWebhook,
  type IngestOutcome,
  type SourceStore,
  type WebhookPayloadStore,
  type WebhookRefusal,
} from '#libs/pipeline';
import type { RuntimeConfig } from '#runtime/config';
import type { Intake } from '#runtime/intake';
import type { PipelineMetrics } from '#runtime/metrics';
import { CLOCK, CONFIG, DEFINITIONS, INTAKE, METRICS, SOURCES, WEBHOOK_PAYLOADS, type Clock } from '#runtime/tokens';

export interface WebhookResponse {
  accepted: number;
  duplicates: number;
  rejected: number;
  ignored: number;
  results: IngestOutcome[];
}

// The answer to a refused webhook: why, in words that hold no secret and no expected signature.
const REFUSALS: Record<WebhookRefusal, string> = {
  unknown_source: 'no source of this connector with this id',
  missing_signature: "the request carries none of the vendor's signature, token or credentials",
  malformed_signature: "the vendor's signature header cannot be read",
  stale_timestamp: "the signed timestamp is more than 5 minutes from the receiver's clock",
  bad_signature: "the signature matches none of the source's active secrets",
};

// POST /v1/sources/<connector>/<source id>: a vendor's webhook (docs/connectors.md). Verified the
// vendor's way with the source's secrets, kept, mapped to canonical events and taken by the same
// ingest path as POST /v1/events; 200 with an outcome per event, 401 with the reason when refused.
@ApiTags('connectors')
@ApiSecurity('vendor-signature')
@ApiExtraModels(IngestOutcomeSchema)
@Controller('v1/sources')
export class WebhooksController {
  constructor(
    @Inject(INTAKE) private readonly intake: Intake,
    @Inject(SOURCES) private readonly sources: SourceStore,
    @Inject(WEBHOOK_PAYLOADS) private readonly payloads: WebhookPayloadStore,
    @Inject(DEFINITIONS) private readonly definitions: DefinitionSet,
    @Inject(METRICS) private readonly metrics: PipelineMetrics,
    @Inject(CONFIG) private readonly config: RuntimeConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Post(CONNECTOR_NAMES.map((name) => `${name}/:sourceId`))
  @HttpCode(200)
  @ApiOperation({
    summary:
      "A vendor's webhook for a connector source (stripe, hubspot, salesforce, pipedrive, zendesk, freshdesk, aircall, twilio)",
    description:
      "Point the vendor at the URL POST /v1/sources answered for the source. Verified the vendor's documented way (docs/connectors.md) with the source's active secrets; " +
      'kept (append-only, credentials removed) for replays; mapped to canonical events, which ingest checks, logs or dead-letters like POST /v1/events. ' +
      'Payloads without KPI meaning are acknowledged (ignored). A redelivery counts once.',
  })
  @ApiParam({ name: 'sourceId', example: 'src_3f9a1c2b4d5e' })
  @ApiResponse({
    status: 200,
    description: 'kept and mapped: accepted, duplicates, rejected (dead letters), ignored, an outcome per event',
    schema: {
      type: 'object',
      properties: {
        accepted: { type: 'integer' },
        duplicates: { type: 'integer' },
        rejected: { type: 'integer' },
        ignored: { type: 'integer', description: 'items without KPI meaning, acknowledged' },
        results: { type: 'array', items: { $ref: getSchemaPath(IngestOutcomeSchema) } },
      },
    },
  })
  @ApiResponse({
    status: 401,
    description: 'refused: unknown source, no, unreadable or wrong signature, or a stale timestamp; nothing kept',
  })
  @ApiResponse({ status: 503, description: 'the event log did not take the events: the vendor retries' })
  async receive(
    @Param('sourceId') sourceId: string,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<WebhookResponse> {
    const connector = req.path.split('/')[3] ?? '';
    if (!isConnectorName(connector)) throw new UnauthorizedException(`unauthorized: ${REFUSALS.unknown_source}`);
    const requestId = String(res.locals['requestId'] ?? '');
    const headers = Object.fromEntries(
      Object.entries(req.headers).map(([name, value]) => [name, Array.isArray(value) ? value.join(', ') : value]),
    );
    const body: unknown = req.body;
    const result = await receiveWebhook(
      connector,
      sourceId,
      {
        method: req.method,
        // the URL the vendor called, as it reached KPI Pulse through KPI_PULSE_PUBLIC_URL
        url: `${this.config.alerts.publicUrl}${req.originalUrl}`,
        headers,
        body: body instanceof Uint8Array ? Buffer.from(body).toString('utf8') : '',
        contentType: req.headers['content-type'] ?? '',
      },
      {
        sources: this.sources,
        payloads: this.payloads,
        definitions: this.definitions,
        ingest: (events, source, refused) => this.intake.take(events, source, requestId, refused),
        now: () => this.clock.now(),
      },
    ).catch((err: unknown) => {
      throw new ServiceUnavailableException(
        'the webhook was not taken, nothing was counted: the vendor sends it again',
        {
          cause: err,
        },
      );
    });
    const source = `${connector}/${sourceId}`;
    if (result.status === 'refused') {
      this.metrics.webhooksRefused.inc({ connector, reason: result.refusal });
      if (result.refusal !== 'unknown_source') {
        this.metrics.webhooks.inc({ source, connector, outcome: 'refused' });
        this.metrics.webhookLastDelivery.set({ source, connector }, this.clock.now() / 1000);
      }
      throw new UnauthorizedException(`unauthorized: ${REFUSALS[result.refusal]}`);
    }
    for (const [outcome, n] of Object.entries(result.counts))
      this.metrics.webhooks.inc({ source, connector, outcome }, n);
    this.metrics.webhookLastDelivery.set({ source, connector }, this.clock.now() / 1000);
    return {
      accepted: result.counts.accepted,
      duplicates: result.counts.duplicate,
      rejected: result.counts.rejected,
      ignored: result.counts.ignored,
      results: result.results,
    };
  }
}
