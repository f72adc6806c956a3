import { Logger } from '@nestjs/common';
import type { DefinitionSet } from '#libs/definitions';
import {
  errorMessage,
  ingest,
  type IngestOutcome,
  type IngestStore,
  type Rejection,
  type RosterCache,
  type Source,
} from '#libs/pipeline';
import type { RosterRepository } from '#libs/postgres';
import type { RuntimeConfig } from './config';
import type { PipelineMetrics } from './metrics';
import type { Clock } from './tokens';

// The one way events enter, whoever sends them: POST /v1/events, a connector's webhook, a replay of
// kept webhooks. libs/pipeline's ingest with this installation's bounds, clock and roster: the checks,
// the log and the dead letters in one transaction; then the counts. Rejects when the log did not take
// the events (nothing kept): the caller answers 503.
export class Intake {
  constructor(
    private readonly store: IngestStore,
    private readonly definitions: DefinitionSet,
    private readonly metrics: PipelineMetrics,
    private readonly config: RuntimeConfig,
    private readonly clock: Clock,
    private readonly rosters: RosterCache,
    private readonly roster: RosterRepository,
  ) {}

  async take(
    items: readonly unknown[],
    source: Source,
    requestId: string,
    refused: readonly Rejection[] = [],
  ): Promise<IngestOutcome[]> {
    const { maxEventBytes, maxDeadLetters } = this.config.ingest;
    const snapshot = await this.rosters.of(source.orgId);
    const results = await ingest(
      items,
      {
        store: this.store,
        definitions: this.definitions,
        source,
        time: { now: () => this.clock.now(), toleranceMs: this.config.eventTimeToleranceMs },
        limits: { maxEventBytes, maxDeadLetters },
        roster: {
          snapshot,
          unknown: {
            // a count for operators, after the events are committed: its failure is logged, not answered
            record: async (orgId, seen) => {
              for (const s of seen) this.metrics.unknownMembers.inc({ org: orgId, kind: s.kind }, s.events);
              await this.roster
                .recordUnknown(orgId, seen)
                .catch((err: unknown) =>
                  log.warn({ msg: `unknown members not counted: ${errorMessage(err)}`, orgId, requestId }),
                );
            },
          },
        },
      },
      refused,
    );
    this.metrics.eventsIn.inc(items.length);
    for (const outcome of ['accepted', 'duplicate', 'rejected'] as const) {
      const n = results.filter((r) => r.status === outcome).length + (outcome === 'rejected' ? refused.length : 0);
      this.metrics.eventsByOutcome.inc({ outcome }, n);
      this.metrics.eventsBySource.inc({ source: source.uri, outcome }, n);
    }
    for (const r of [...results, ...refused])
      if (r.code !== undefined) this.metrics.rejectedByCode.inc({ stage: 'ingest', code: r.code });
    return results;
  }
}

const log = new Logger('ingest');
