import { Body, Controller, HttpCode, Inject, Post, Req } from '@nestjs/common';
import type { Request } from 'express';
import type { DefinitionSet } from '#libs/definitions';
import type { EventLog } from '#libs/event-log';
import { ingest, type IngestOutcome, type RejectionSink } from '#libs/pipeline';
import type { PipelineMetrics } from '../../runtime/src/metrics';
import { DEFINITIONS, EVENT_LOG, METRICS, REJECTIONS } from '../../runtime/src/tokens';

export interface IngestResponse {
  accepted: number;
  duplicates: number;
  rejected: number;
  results: IngestOutcome[];
}

// POST /v1/events: one canonical event (application/json), an array of them, or NDJSON
// (application/x-ndjson). 202 once every event is durably in the log or in the dead letters.
@Controller('v1/events')
export class IngestController {
  constructor(
    @Inject(EVENT_LOG) private readonly log: EventLog,
    @Inject(REJECTIONS) private readonly rejections: RejectionSink,
    @Inject(DEFINITIONS) private readonly definitions: DefinitionSet,
    @Inject(METRICS) private readonly metrics: PipelineMetrics,
  ) {}

  @Post()
  @HttpCode(202)
  async post(@Req() req: Request, @Body() body: unknown): Promise<IngestResponse> {
    const items = itemsOf(req, body);
    const results = await ingest(items, { log: this.log, rejections: this.rejections, orgs: this.definitions.orgs });
    const count = (status: IngestOutcome['status']) => results.filter((r) => r.status === status).length;
    const response = {
      accepted: count('accepted'),
      duplicates: count('duplicate'),
      rejected: count('rejected'),
      results,
    };
    this.metrics.eventsIn.inc(items.length);
    this.metrics.eventsByOutcome.inc({ outcome: 'accepted' }, response.accepted);
    this.metrics.eventsByOutcome.inc({ outcome: 'duplicate' }, response.duplicates);
    this.metrics.eventsByOutcome.inc({ outcome: 'rejected' }, response.rejected);
    return response;
  }
}

function itemsOf(req: Request, body: unknown): unknown[] {
  if (req.is('application/x-ndjson') !== false && typeof body === 'string') {
    return body.split('\n').filter((line) => line.trim() !== '');
  }
  return Array.isArray(body) ? body : [body];
}
