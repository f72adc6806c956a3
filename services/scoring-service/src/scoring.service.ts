import type { EventEmitter } from 'node:events';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { IndicatorValue } from '#libs/indicators';
import { rescore, rescoreEntities, type ChangeBus, type DefinitionsRegistry, type ScoredCard } from '#libs/pipeline';
import type { IndicatorStateRepository, ScorecardsRepository } from '#libs/postgres';
import { CHANGE_BUS, INDICATOR_STORE, REGISTRY, SCORECARD_BUS, SCORECARDS } from '../../runtime/src/tokens';

const COALESCE_MS = 25; // changes arriving together are scored together

// What the gateway receives: the cards, the log offset they reflect, the oldest acceptance behind them.
export interface ScoredBatch {
  cards: ScoredCard[];
  offset: number;
  acceptedAt?: number;
}

// Re-scores the scorecards that committed indicator changes touch, stores them (with red-line
// breaches) and hands them to the gateway as 'scorecards' on the scorecard bus.
@Injectable()
export class ScoringService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('scoring-service');
  private pending: IndicatorValue[] = [];
  private pendingSince: number | undefined; // the oldest acceptance behind the pending changes
  private clock = Number.NEGATIVE_INFINITY;
  private offset = 0;
  private timer: NodeJS.Timeout | undefined;
  private unsubscribe: (() => void) | undefined;
  private unsubscribePublish: (() => void) | undefined;
  private chain: Promise<void> = Promise.resolve();

  constructor(
    @Inject(CHANGE_BUS) private readonly changes: ChangeBus,
    @Inject(REGISTRY) private readonly registry: DefinitionsRegistry,
    @Inject(INDICATOR_STORE) private readonly values: IndicatorStateRepository,
    @Inject(SCORECARDS) private readonly scorecards: ScorecardsRepository,
    @Inject(SCORECARD_BUS) private readonly out: EventEmitter,
  ) {}

  onApplicationBootstrap(): void {
    // a new definitions version: every stored entity is re-scored with it, at once
    this.unsubscribePublish = this.registry.onPublish(() => {
      this.chain = this.chain.then(async () => {
        try {
          if (!Number.isFinite(this.clock)) return;
          const entities = await this.values.entities();
          const cards = await rescoreEntities(entities, this.clock, this.registry.current, this.values);
          await this.scorecards.save(cards);
          if (cards.length > 0) this.out.emit('scorecards', { cards, offset: this.offset } satisfies ScoredBatch);
        } catch (err) {
          this.logger.error(`re-scoring after publish failed: ${err instanceof Error ? err.message : String(err)}`);
        }
      });
    });
    this.unsubscribe = this.changes.subscribe(({ changes, clock, acceptedAt, offset }) => {
      this.pending.push(...changes);
      this.clock = Math.max(this.clock, clock);
      this.offset = Math.max(this.offset, offset);
      if (acceptedAt !== undefined) this.pendingSince = Math.min(this.pendingSince ?? acceptedAt, acceptedAt);
      this.timer ??= setTimeout(() => this.flush(), COALESCE_MS);
    });
  }

  async onApplicationShutdown(): Promise<void> {
    this.unsubscribe?.();
    this.unsubscribePublish?.();
    if (this.timer !== undefined) clearTimeout(this.timer);
    await this.chain;
  }

  private flush(): void {
    this.timer = undefined;
    const batch = this.pending;
    const acceptedAt = this.pendingSince;
    const offset = this.offset;
    this.pending = [];
    this.pendingSince = undefined;
    // one scoring round at a time, in order
    this.chain = this.chain.then(async () => {
      try {
        const cards = await rescore(batch, this.clock, this.registry.current, this.values);
        await this.scorecards.save(cards);
        const scored: ScoredBatch = acceptedAt === undefined ? { cards, offset } : { cards, offset, acceptedAt };
        if (cards.length > 0) this.out.emit('scorecards', scored);
      } catch (err) {
        this.logger.error(`scoring failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    });
  }
}
