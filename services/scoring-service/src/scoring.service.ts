import type { EventEmitter } from 'node:events';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { EntityRef, IndicatorValue } from '#libs/indicators';
import { KafkaFeedReader, TOPICS, type KafkaConnection } from '#libs/kafka';
import {
  rescore,
  rescoreEntities,
  ValuesCache,
  type ChangeBatch,
  type ChangeBus,
  type DefinitionsRegistry,
  type ScoredBatch,
  type ScoredCard,
} from '#libs/pipeline';
import {
  DEFINITIONS_PUBLISHED,
  INDICATOR_CHANGES,
  PostgresFeedReader,
  type DefinitionVersionsRepository,
  type IndicatorStateRepository,
  type ScorecardsRepository,
} from '#libs/postgres';
import type { Database } from '../../runtime/src/database';
import { parsePublished } from '../../runtime/src/published-definitions';
import type { PipelineMetrics } from '../../runtime/src/metrics';
import type { Feeds } from '../../runtime/src/runtime.module';
import type { RuntimeConfig } from '../../runtime/src/config';
import {
  CHANGE_BUS,
  CONFIG,
  DATABASE,
  KAFKA,
  DEFINITION_VERSIONS,
  FEEDS,
  INDICATOR_STORE,
  METRICS,
  REGISTRY,
  SCORECARD_BUS,
  SCORECARDS,
} from '../../runtime/src/tokens';
import { errorMessage } from '../../runtime/src/error-message';

const COALESCE_MS = 25; // changes arriving together are scored together
const UNSAVED_LIMIT = 50_000; // scored cards waiting for their write before scoring waits too

// Re-scores the scorecards that indicator changes touch, from its own copy of the values (kept current
// by the change feed), stores them with their red-line breaches, and hands them to the gateways. The
// first round after a start re-scores every stored entity, so no change is lost across restarts.
@Injectable()
export class ScoringService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('scoring-service');
  private cache: ValuesCache;
  private owned: ReadonlySet<number> | undefined; // over Kafka: the partitions (of orgs) this instance scores
  private pending: IndicatorValue[] = [];
  private pendingSince: number | undefined; // the oldest acceptance behind the pending changes
  private clock = Number.NEGATIVE_INFINITY;
  private offset = 0;
  private caughtUp = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly stops: (() => unknown)[] = [];
  private chain: Promise<void> = Promise.resolve();
  private readonly unsaved = new Map<string, ScoredCard>();
  private saving: Promise<void> | undefined;

  constructor(
    @Inject(CHANGE_BUS) private readonly changes: ChangeBus,
    @Inject(REGISTRY) private readonly registry: DefinitionsRegistry,
    @Inject(INDICATOR_STORE) private readonly values: IndicatorStateRepository,
    @Inject(SCORECARDS) private readonly scorecards: ScorecardsRepository,
    @Inject(SCORECARD_BUS) private readonly out: EventEmitter,
    @Inject(FEEDS) private readonly feeds: Feeds,
    @Inject(DATABASE) private readonly database: Database,
    @Inject(DEFINITION_VERSIONS) private readonly versions: DefinitionVersionsRepository,
    @Inject(METRICS) private readonly metrics: PipelineMetrics,
    @Inject(KAFKA) private readonly kafka: KafkaConnection | null,
    @Inject(CONFIG) private readonly config: RuntimeConfig,
  ) {
    this.cache = new ValuesCache(values);
  }

  async onApplicationBootstrap(): Promise<void> {
    // a new definitions version: every entity is re-scored with it, at once
    this.stops.push(this.registry.onPublish(() => this.enqueue(() => this.scoreAll([]))));
    const onError = (what: string) => (err: unknown) => this.logger.error(`${what}: ${errorMessage(err)}`);
    if (this.feeds.indicatorChanges === 'memory') {
      this.stops.push(this.changes.subscribe((batch) => this.receive(batch)));
    } else if (this.feeds.indicatorChanges === 'kafka' && this.kafka !== null) {
      // the instances of the scoring service share the topic's partitions, org by org
      const reader = await KafkaFeedReader.open<Omit<ChangeBatch, 'offset'>>({
        kafka: this.kafka.kafka,
        topic: TOPICS.indicatorChanges,
        groupId: 'kpi-pulse-scoring',
        sessionTimeoutMs: this.config.kafkaSessionTimeoutMs,
        onMessage: (batch) => this.receive({ ...batch, offset: 0 }),
        onAssigned: (partitions) => this.enqueue(() => this.reassigned(partitions)),
        onError: onError('reading indicator changes'),
      });
      this.stops.push(() => reader.close());
    } else {
      const reader = await PostgresFeedReader.open<ChangeBatch>(
        this.database.db,
        INDICATOR_CHANGES,
        (batch) => this.receive(batch),
        onError('reading indicator changes'),
      );
      this.stops.push(() => reader.close());
    }
    if (this.feeds.definitions === 'postgres') {
      const reader = await PostgresFeedReader.open<{ version: number }>(
        this.database.db,
        DEFINITIONS_PUBLISHED,
        () => this.adoptLatestVersion(),
        onError('reading published definitions'),
      );
      this.stops.push(() => reader.close());
    }
  }

  async onApplicationShutdown(): Promise<void> {
    for (const stop of this.stops) await stop();
    if (this.timer !== undefined) clearTimeout(this.timer);
    await this.chain;
    await this.saving;
  }

  private receive({ changes, clock, acceptedAt, offset }: ChangeBatch): void {
    if (changes.length === 0) return;
    for (const c of changes) this.pending.push(c);
    this.clock = Math.max(this.clock, clock);
    this.offset = Math.max(this.offset, offset);
    if (acceptedAt !== undefined) this.pendingSince = Math.min(this.pendingSince ?? acceptedAt, acceptedAt);
    this.timer ??= setTimeout(() => this.flush(), COALESCE_MS);
  }

  private flush(): void {
    this.timer = undefined;
    const batch = this.pending;
    const acceptedAt = this.pendingSince;
    this.pending = [];
    this.pendingSince = undefined;
    this.enqueue(async () => {
      await this.cache.apply(batch);
      if (!this.caughtUp)
        return this.scoreAll(
          batch.map((c) => c.entity),
          acceptedAt,
        );
      const cards = await rescore(batch, this.clock, this.registry.current, this.cache);
      await this.store(cards, acceptedAt);
    });
  }

  // Another rebalance: the values of orgs held elsewhere meanwhile may have moved on, so the cache
  // starts afresh, and the next round re-scores every entity of the orgs now held.
  private reassigned(partitions: readonly number[]): Promise<void> {
    this.owned = new Set(partitions);
    this.cache = new ValuesCache(this.values);
    this.caughtUp = false;
    return Promise.resolve();
  }

  private owns(orgId: string): boolean {
    return this.owned === undefined || this.kafka === null || this.owned.has(this.kafka.partitionOf(orgId));
  }

  // every stored entity (and these) of the orgs scored here, with every scorecard in force
  private async scoreAll(also: readonly EntityRef[], acceptedAt?: number): Promise<void> {
    if (!Number.isFinite(this.clock)) return;
    this.caughtUp = true;
    const entities = new Map<string, EntityRef>();
    for (const e of [...(await this.values.entities()), ...this.cache.entities, ...also])
      if (this.owns(e.orgId)) entities.set(`${e.orgId}|${e.level}|${e.id}`, e);
    const cards = await rescoreEntities([...entities.values()], this.clock, this.registry.current, this.cache);
    await this.store(cards, acceptedAt);
  }

  private async store(cards: ScoredCard[], acceptedAt: number | undefined): Promise<void> {
    if (cards.length === 0) return;
    const scored: ScoredBatch =
      acceptedAt === undefined ? { cards, offset: this.offset } : { cards, offset: this.offset, acceptedAt };
    // another process's gateway learns of the cards from the feed row written with them
    if (this.feeds.scorecards === 'postgres') {
      await this.scorecards.save(cards, scored);
      return;
    }
    // the gateways get them first (they overlay what they pushed on stored snapshots); the write
    // follows, coalesced to the latest card of each entity, scorecard and period
    if (this.feeds.scorecards === 'kafka')
      await this.kafka?.feed.publishByOrg(
        TOPICS.scorecardUpdates,
        cards,
        (c) => c.entity.orgId,
        (own) => ({ ...scored, cards: own }),
      );
    else this.out.emit('scorecards', scored);
    for (const c of cards) this.unsaved.set(cardKey(c), c);
    this.saving ??= this.saveUnsaved();
    if (this.unsaved.size > UNSAVED_LIMIT) await this.saving; // the database is behind: wait for it
  }

  private async saveUnsaved(): Promise<void> {
    while (this.unsaved.size > 0) {
      const cards = [...this.unsaved.values()];
      this.unsaved.clear();
      try {
        const opened = await this.scorecards.save(cards);
        if (this.feeds.scorecards === 'kafka')
          await this.kafka?.feed.publishByOrg(
            TOPICS.breaches,
            opened,
            (b) => b.orgId,
            (own) => own,
          );
      } catch (err) {
        // kept for the next round's write, unless a newer card took their place
        for (const c of cards) if (!this.unsaved.has(cardKey(c))) this.unsaved.set(cardKey(c), c);
        this.logger.error(`storing scorecards failed: ${errorMessage(err)}`);
        break;
      }
    }
    this.saving = undefined;
  }

  private async adoptLatestVersion(): Promise<void> {
    const latest = await this.versions.latest();
    if (latest === undefined || latest.version <= this.registry.version) return;
    const set = parsePublished(latest.source);
    const outcome = set === undefined ? undefined : this.registry.publish(set, latest.version);
    if (outcome?.ok !== true) this.logger.warn(`published definitions v${latest.version} not adopted`);
  }

  // one scoring round at a time, in order; a failed round is logged and the next one runs
  private enqueue(round: () => Promise<void>): void {
    this.chain = this.chain
      .then(async () => {
        const stop = this.metrics.scoreSeconds.startTimer();
        await round();
        stop();
      })
      .catch((err: unknown) => {
        this.logger.error(`scoring failed: ${errorMessage(err)}`);
      });
  }
}

const cardKey = (c: ScoredCard): string =>
  `${c.score.scorecard}|${c.entity.orgId}|${c.entity.level}|${c.entity.id}|${c.periodStart}`;
