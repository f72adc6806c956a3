import { randomUUID } from 'node:crypto';
import type { EventEmitter } from 'node:events';
import { Inject, Logger, type OnApplicationShutdown } from '@nestjs/common';
import {
  ConnectedSocket,
  MessageBody,
  SubscribeMessage,
  WebSocketGateway,
  WebSocketServer,
  type OnGatewayInit,
} from '@nestjs/websockets';
import type { Namespace, Socket } from 'socket.io';
import type { EntityRef } from '#libs/indicators';
import { KafkaFeedReader, TOPICS, type KafkaConnection } from '#libs/kafka';
import type { ScoredBatch, ScoredCard } from '#libs/pipeline';
import { PostgresFeedReader, SCORECARD_UPDATES, type ScorecardsRepository } from '#libs/postgres';
import type { Database } from '../../runtime/src/database';
import type { Feeds } from '../../runtime/src/runtime.module';
import type { PipelineMetrics } from '../../runtime/src/metrics';
import type { RuntimeConfig } from '../../runtime/src/config';
import { CONFIG, DATABASE, FEEDS, KAFKA, METRICS, SCORECARD_BUS, SCORECARDS } from '../../runtime/src/tokens';
import { errorMessage } from '../../runtime/src/error-message';

export interface RoomSnapshot {
  room: string;
  seq: number; // updates after this one carry seq + 1, + 2…: a gap means a missed update → join again
  cards: ScoredCard[];
}

export interface RoomUpdate {
  room: string;
  seq: number;
  card: ScoredCard;
  offset: number; // the card reflects every event of the log up to this offset
}

// `org:<orgId>`, `team:<orgId>:<teamId>` or `agent:<orgId>:<agentId>`
export function parseRoom(room: unknown): EntityRef | undefined {
  if (typeof room !== 'string') return undefined;
  const [level, orgId, id, ...rest] = room.split(':');
  if (rest.length > 0 || orgId === undefined || orgId === '') return undefined;
  if (level === 'org' && id === undefined) return { level: 'org', id: orgId, orgId };
  if ((level === 'team' || level === 'agent') && id !== undefined && id !== '') return { level, id, orgId };
  return undefined;
}

const roomOf = (e: EntityRef): string => (e.level === 'org' ? `org:${e.orgId}` : `${e.level}:${e.orgId}:${e.id}`);

// socket.io namespace /scorecards: join a room, get its snapshot as the ack, then every update of it
// with a per-room sequence number.
@WebSocketGateway({ namespace: '/scorecards', cors: { origin: true } })
export class ScorecardGateway implements OnGatewayInit, OnApplicationShutdown {
  @WebSocketServer() private readonly server!: Namespace;
  private readonly seq = new Map<string, number>();
  // the newest card pushed per entity room and scorecard: the store may lag the push by a write
  private readonly pushed = new Map<string, Map<string, ScoredCard>>();
  private readonly logger = new Logger('scorecard-gateway');
  private feed: Promise<{ close(): Promise<void> }> | undefined;

  constructor(
    @Inject(SCORECARDS) private readonly scorecards: ScorecardsRepository,
    @Inject(SCORECARD_BUS) private readonly bus: EventEmitter,
    @Inject(METRICS) private readonly metrics: PipelineMetrics,
    @Inject(FEEDS) private readonly feeds: Feeds,
    @Inject(DATABASE) private readonly database: Database,
    @Inject(KAFKA) private readonly kafka: KafkaConnection | null,
    @Inject(CONFIG) private readonly config: RuntimeConfig,
  ) {}

  afterInit(): void {
    const deliver = ({ cards, offset, acceptedAt }: ScoredBatch) => {
      this.push(cards, offset);
      if (acceptedAt !== undefined) this.metrics.endToEndSeconds.observe((Date.now() - acceptedAt) / 1000);
    };
    const onError = (err: unknown) => this.logger.error(`reading scorecards: ${errorMessage(err)}`);
    if (this.feeds.scorecards === 'memory') this.bus.on('scorecards', deliver);
    // The scoring service runs elsewhere. Every gateway reads every update and pushes it to its own
    // sockets, so a client may connect to any gateway, and each keeps its rooms' sequence numbers.
    else if (this.feeds.scorecards === 'kafka' && this.kafka !== null)
      this.feed = KafkaFeedReader.open<ScoredBatch>({
        kafka: this.kafka.kafka,
        topic: TOPICS.scorecardUpdates,
        groupId: `kpi-pulse-gateway-${randomUUID()}`, // a group of its own: all partitions
        sessionTimeoutMs: this.config.kafkaSessionTimeoutMs,
        onMessage: deliver,
        onError,
      });
    else this.feed = PostgresFeedReader.open(this.database.db, SCORECARD_UPDATES, deliver, onError);
  }

  async onApplicationShutdown(): Promise<void> {
    await (await this.feed)?.close();
  }

  @SubscribeMessage('join')
  async join(
    @ConnectedSocket() socket: Socket,
    @MessageBody() body: { room?: unknown },
  ): Promise<RoomSnapshot | { error: string }> {
    const entity = parseRoom(body?.room);
    if (entity === undefined) return { error: 'room: expected org:<org>, team:<org>:<team> or agent:<org>:<agent>' };
    const room = roomOf(entity);
    await socket.join(room);
    const seq = this.seq.get(room) ?? 0;
    const cards = new Map((await this.scorecards.latestFor(entity)).map((c) => [c.score.scorecard, c]));
    for (const [scorecard, card] of this.pushed.get(room) ?? []) {
      const stored = cards.get(scorecard);
      if (stored === undefined || stored.periodStart <= card.periodStart) cards.set(scorecard, card);
    }
    return { room, seq, cards: [...cards.values()] };
  }

  private push(cards: readonly ScoredCard[], offset: number): void {
    for (const card of cards) {
      const own = roomOf(card.entity);
      let latest = this.pushed.get(own);
      if (latest === undefined) this.pushed.set(own, (latest = new Map<string, ScoredCard>()));
      latest.set(card.score.scorecard, card);
      const rooms = new Set([own, `org:${card.entity.orgId}`]);
      for (const room of rooms) {
        const seq = (this.seq.get(room) ?? 0) + 1;
        this.seq.set(room, seq);
        // socket.io encodes a broadcast before it looks for receivers: skip rooms nobody is in
        if ((this.server.adapter.rooms.get(room)?.size ?? 0) === 0) continue;
        const update: RoomUpdate = { room, seq, card, offset };
        this.server.to(room).emit('scorecard', update);
      }
    }
  }
}
