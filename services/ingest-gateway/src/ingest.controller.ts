import {
  Body,
  Controller,
  HttpCode,
  Inject,
  Post,
  Req,
  ServiceUnavailableException,
  UnauthorizedException,
} from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import type { DefinitionSet } from '#libs/definitions';
import type { EventAppender } from '#libs/event-log';
import {
  authenticateSource,
  errorMessage,
  ingest,
  type IngestOutcome,
  type RejectionSink,
  type RosterCache,
  type SourceStore,
} from '#libs/pipeline';
import type { RosterRepository } from '#libs/postgres';
import { bearerOf } from '#runtime/auth';
import type { PipelineMetrics } from '#runtime/metrics';
import type { RuntimeConfig } from '#runtime/config';
import {
  CLOCK,
  CONFIG,
  DEFINITIONS,
  EVENT_APPENDER,
  METRICS,
  REJECTIONS,
  ROSTER,
  ROSTER_CACHE,
  SOURCES,
  type Clock,
} from '#runtime/tokens';

export interface IngestResponse {
  accepted: number;
  duplicates: number;
  rejected: number;
  results: IngestOutcome[];
}

// POST /v1/events: one canonical event (application/json), an array of them, or NDJSON
// (application/x-ndjson). 202 once every event is durably in the log or in the dead letters.
@ApiTags('ingest')
@ApiBearerAuth('source-token')
@Controller('v1/events')
export class IngestController {
  constructor(
    @Inject(EVENT_APPENDER) private readonly log: EventAppender,
    @Inject(REJECTIONS) private readonly rejections: RejectionSink,
    @Inject(DEFINITIONS) private readonly definitions: DefinitionSet,
    @Inject(METRICS) private readonly metrics: PipelineMetrics,
    @Inject(SOURCES) private readonly sources: SourceStore,
    @Inject(CONFIG) private readonly config: RuntimeConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(ROSTER_CACHE) private readonly rosters: RosterCache,
    @Inject(ROSTER) private readonly roster: RosterRepository,
  ) {}

  @Post()
  @HttpCode(202)
  @ApiOperation({
    summary: 'Ingest canonical events (CloudEvents 1.0, contract in docs/events.md)',
    description:
      'One event (application/json or application/cloudevents+json), an array of events, or NDJSON (application/x-ndjson), up to 10 MiB. ' +
      'Answers 202 once every event is durably in the log (accepted / duplicate) or in the dead letters (rejected, with the field, a stable code and the reason). ' +
      'The first delivery of a (source, id) counts: a repeat with the same content is a duplicate, one with other content is rejected with code conflict and the offset of the copy that counts. ' +
      'Requires a source token (Authorization: Bearer kps_…, from POST /v1/sources): events may only be of that source, its org and its event types. ' +
      "An agent or team the org's roster of record does not know is counted (GET /v1/roster/unknown), or refused (unknown_member) under the org's policy 'reject'.",
  })
  @ApiConsumes('application/json', 'application/cloudevents+json', 'application/x-ndjson')
  @ApiBody({
    description: 'a canonical event, an array of them, or NDJSON lines',
    schema: { oneOf: [{ type: 'object' }, { type: 'array', items: { type: 'object' } }, { type: 'string' }] },
  })
  @ApiResponse({
    status: 202,
    description: 'an outcome per event, in request order',
    schema: {
      type: 'object',
      properties: {
        accepted: { type: 'integer' },
        duplicates: { type: 'integer' },
        rejected: { type: 'integer' },
        results: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              index: { type: 'integer' },
              status: { type: 'string', enum: ['accepted', 'duplicate', 'rejected'] },
              id: { type: 'string' },
              source: { type: 'string' },
              offset: {
                type: 'integer',
                description: 'where the event sits in the log (a conflict: the copy that counts)',
              },
              field: { type: 'string', description: 'rejected: the first field at fault', example: 'data.contacts' },
              code: {
                type: 'string',
                description:
                  'rejected: a stable code (missing, invalid_type, invalid_value, out_of_scale, unknown_member, conflict, …)',
                example: 'invalid_value',
              },
              reason: { type: 'string', example: 'data.contacts: expected a positive integer' },
            },
          },
        },
      },
    },
  })
  @ApiResponse({
    status: 401,
    description: 'no valid source token (missing, unknown, revoked or wrong): nothing was taken',
  })
  @ApiResponse({ status: 413, description: 'the body is over 10 MiB' })
  @ApiResponse({
    status: 503,
    description: 'the event log (Postgres or Kafka) is unreachable: nothing was taken, retry',
  })
  async post(@Req() req: Request, @Body() body: unknown): Promise<IngestResponse> {
    const source = await authenticateSource(bearerOf(req.headers.authorization), this.sources);
    if (source === undefined) {
      this.metrics.ingestRefused.inc();
      throw new UnauthorizedException('unauthorized: a valid source token is required (Authorization: Bearer kps_…)');
    }
    const items = itemsOf(req, body);
    // nothing acknowledged: the sender posts again, and a repeat of an accepted event counts once
    const results = await this.rosters
      .of(source.orgId)
      .then((snapshot) =>
        ingest(items, {
          log: this.log,
          rejections: this.rejections,
          definitions: this.definitions,
          source,
          time: { now: () => this.clock.now(), toleranceMs: this.config.eventTimeToleranceMs },
          roster: {
            snapshot,
            unknown: {
              record: async (orgId, seen) => {
                for (const s of seen) this.metrics.unknownMembers.inc({ org: orgId, kind: s.kind }, s.events);
                await this.roster.recordUnknown(orgId, seen);
              },
            },
          },
        }),
      )
      .catch((err: unknown) => {
        throw new ServiceUnavailableException(
          `the event log did not take the events, post them again: ${errorMessage(err)}`,
        );
      });
    const count = (status: IngestOutcome['status']) => results.filter((r) => r.status === status).length;
    const response = {
      accepted: count('accepted'),
      duplicates: count('duplicate'),
      rejected: count('rejected'),
      results,
    };
    this.metrics.eventsIn.inc(items.length);
    for (const outcome of ['accepted', 'duplicate', 'rejected'] as const) {
      const n = count(outcome);
      this.metrics.eventsByOutcome.inc({ outcome }, n);
      this.metrics.eventsBySource.inc({ source: source.uri, outcome }, n);
    }
    for (const r of results)
      if (r.code !== undefined) this.metrics.rejectedByCode.inc({ stage: 'ingest', code: r.code });
    return response;
  }
}

function itemsOf(req: Request, body: unknown): unknown[] {
  if (req.is('application/x-ndjson') !== false && typeof body === 'string') {
    return body.split('\n').filter((line) => line.trim() !== '');
  }
  return Array.isArray(body) ? body : [body];
}
