import {
  BadRequestException,
  Body,
  Controller,
  HttpCode,
  Inject,
  PayloadTooLargeException,
  Post,
  Req,
  Res,
  ServiceUnavailableException,
  UnauthorizedException,
  UnsupportedMediaTypeException,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiExtraModels,
  ApiOperation,
  ApiResponse,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { authenticateSource, type IngestOutcome, type SourceStore } from '#libs/pipeline';
import { bearerOf } from '#runtime/auth';
import type { Intake } from '#runtime/intake';
import type { PipelineMetrics } from '#runtime/metrics';
import type { RuntimeConfig } from '#runtime/config';
import { EVENT_MEDIA_TYPES, MAX_BODY_NESTING, readEventBody } from './event-body';
import { CanonicalEventSchema, HttpErrorSchema, IngestOutcomeSchema, IngestResponseSchema } from './ingest.schemas';
import { CONFIG, INTAKE, METRICS, SOURCES } from '#runtime/tokens';

export interface IngestResponse {
  accepted: number;
  duplicates: number;
  rejected: number;
  results: IngestOutcome[];
}

// POST /v1/events: one canonical event (application/json, application/cloudevents+json), an array of
// them, a CloudEvents batch (application/cloudevents-batch+json) or NDJSON (application/x-ndjson). 202
// once every event is durably in the log or in the dead letters (one transaction); a 4xx names what is
// wrong with the request, and nothing of it was taken.
@ApiTags('ingest')
@ApiBearerAuth('source-token')
@Controller('v1/events')
export class IngestController {
  constructor(
    @Inject(INTAKE) private readonly intake: Intake,
    @Inject(METRICS) private readonly metrics: PipelineMetrics,
    @Inject(SOURCES) private readonly sources: SourceStore,
    @Inject(CONFIG) private readonly config: RuntimeConfig,
  ) {}

  @Post()
  @HttpCode(202)
  @ApiOperation({
    summary: 'Ingest canonical events (CloudEvents 1.0, contract in docs/events.md)',
    description:
      `One event (application/json or application/cloudevents+json), an array of events, a CloudEvents batch (application/cloudevents-batch+json, an array) or NDJSON (application/x-ndjson), in UTF-8. ` +
      'Answers 202 once every event is durably in the log (accepted / duplicate) or in the dead letters (rejected, with the field, a stable code and the reason): both in one transaction, so any 5xx means nothing was kept. ' +
      'Limits (docs/events.md, "Limits"; INGEST_* variables): the body up to INGEST_MAX_REQUEST_BYTES (10 MiB) and INGEST_MAX_EVENTS (10,000) events, else 413; ' +
      `each event up to INGEST_MAX_EVENT_BYTES (256 KiB), else rejected too_large; objects and arrays nested at most 32 levels in an event (too_deep), the body at most ${MAX_BODY_NESTING} (else 400); ` +
      'beyond INGEST_MAX_DEAD_LETTERS (100) rejections, one summary dead letter (too_many_rejections) stands for the rest, whose outcomes are still answered. ' +
      'The first delivery of a (source, id) counts: a repeat with the same content is a duplicate, one with other content is rejected with code conflict and the offset of the copy that counts. ' +
      'Requires a source token (Authorization: Bearer kps_…, from POST /v1/sources): events may only be of that source, its org and its event types. ' +
      "An agent or team the org's roster of record does not know is counted (GET /v1/roster/unknown), or refused (unknown_member) under the org's policy 'reject'. " +
      'Every answer carries X-Request-Id (the caller’s own when it sends a sane one), which the logs name.',
  })
  @ApiConsumes(...EVENT_MEDIA_TYPES)
  @ApiBody({
    description: 'a canonical event, an array of them, or NDJSON lines (one event per line)',
    schema: {
      oneOf: [
        { $ref: getSchemaPath(CanonicalEventSchema) },
        { type: 'array', items: { $ref: getSchemaPath(CanonicalEventSchema) } },
        { type: 'string', description: 'NDJSON: one event per line' },
      ],
    },
  })
  @ApiExtraModels(CanonicalEventSchema, IngestResponseSchema, IngestOutcomeSchema, HttpErrorSchema)
  @ApiResponse({
    status: 202,
    description: 'an outcome per event, in request order',
    type: IngestResponseSchema,
  })
  @ApiResponse({
    status: 400,
    description:
      'the body is empty, not UTF-8, not JSON, nested too deep, or a batch that is not an array: nothing was taken',
    type: HttpErrorSchema,
  })
  @ApiResponse({
    status: 401,
    description: 'no valid source token (missing, unknown, revoked or wrong): nothing was taken',
    type: HttpErrorSchema,
  })
  @ApiResponse({
    status: 413,
    description:
      'the body is over INGEST_MAX_REQUEST_BYTES or holds more than INGEST_MAX_EVENTS events: nothing was taken',
    type: HttpErrorSchema,
  })
  @ApiResponse({
    status: 415,
    description: `a missing or other Content-Type (accepted: ${EVENT_MEDIA_TYPES.join(', ')}; UTF-8 only): nothing was taken`,
    type: HttpErrorSchema,
  })
  @ApiResponse({
    status: 503,
    description:
      'the event log (Postgres or Kafka) did not take the request: nothing was kept in the log or the dead letters, retry',
    type: HttpErrorSchema,
  })
  async post(
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
    @Body() body: unknown,
  ): Promise<IngestResponse> {
    const source = await authenticateSource(bearerOf(req.headers.authorization), this.sources);
    if (source === undefined) {
      this.metrics.ingestRefused.inc();
      throw new UnauthorizedException('unauthorized: a valid source token is required (Authorization: Bearer kps_…)');
    }
    const read = readEventBody(req.headers['content-type'], body, this.config.ingest.maxEvents);
    if (!read.ok) throw REFUSALS[read.status](read.message);
    // nothing acknowledged: the sender posts again, and a repeat of an accepted event counts once
    const results = await this.intake
      .take(read.items, source, String(res.locals['requestId'] ?? ''))
      .catch((err: unknown) => {
        throw new ServiceUnavailableException(
          'the event log did not take the events, nothing was kept: post them again',
          {
            cause: err,
          },
        );
      });
    const count = (status: IngestOutcome['status']) => results.filter((r) => r.status === status).length;
    const response = {
      accepted: count('accepted'),
      duplicates: count('duplicate'),
      rejected: count('rejected'),
      results,
    };
    return response;
  }
}

const REFUSALS = {
  400: (message: string) => new BadRequestException(message),
  413: (message: string) => new PayloadTooLargeException(message),
  415: (message: string) => new UnsupportedMediaTypeException(message),
} as const;
