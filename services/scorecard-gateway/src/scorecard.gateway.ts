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
import { parseScope, roomsOf, scopeName, type Principal, type Scope } from '#libs/access';
import {
  completeStoredCard,
  type DefinitionsRegistry,
  type ScoredBatch,
  type ScoredCard,
  type StoredScoredCard,
  type Subscription,
  type Transport,
} from '#libs/pipeline';
import type { ScorecardsRepository } from '#libs/postgres';
import { bearerOf } from '#runtime/auth';
import type { PipelineMetrics } from '#runtime/metrics';
import { METRICS, REGISTRY, SCORECARDS, TRANSPORT } from '#runtime/tokens';
import { AccessService } from './access.service';

interface SocketData {
  principal: Principal;
}

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

const entityKey = (c: ScoredCard): string => `${c.entity.level}:${c.entity.id}|${c.score.scorecard}`;

// socket.io namespace /scorecards. The handshake carries a bearer token (auth.token); a socket joins
// the rooms its role may read (libs/access), gets the room's snapshot as the ack, then every update of
// it with a per-room sequence number. Rooms: org:<org> (org and team cards), team:<org>:<team>,
// team-agents:<org>:<team> (its agents' individual cards), agent:<org>:<agent>.
@WebSocketGateway({ namespace: '/scorecards', cors: { origin: true } })
export class ScorecardGateway implements OnGatewayInit, OnApplicationShutdown {
  @WebSocketServer() private readonly server!: Namespace;
  private readonly seq = new Map<string, number>();
  // the newest card pushed per room, entity and scorecard: the store may lag the push by a write
  private readonly pushed = new Map<string, Map<string, ScoredCard>>();
  private readonly logger = new Logger('scorecard-gateway');
  private updates: Promise<Subscription> | undefined;

  constructor(
    @Inject(SCORECARDS) private readonly scorecards: ScorecardsRepository,
    @Inject(TRANSPORT) private readonly transport: Transport,
    @Inject(METRICS) private readonly metrics: PipelineMetrics,
    @Inject(AccessService) private readonly access: AccessService,
    @Inject(REGISTRY) private readonly registry: DefinitionsRegistry,
  ) {}

  afterInit(server: Namespace): void {
    // no token, no socket: the client sees connect_error "unauthorized: …"
    server.use((socket, next) => {
      const auth: unknown = socket.handshake.auth;
      const token = typeof auth === 'object' && auth !== null && 'token' in auth ? String(auth.token) : undefined;
      this.access.verifier.verify(token ?? bearerOf(socket.handshake.headers.authorization)).then(
        (principal) => {
          (socket.data as SocketData).principal = principal;
          next();
        },
        (err: unknown) => next(err instanceof Error ? err : new Error(String(err))),
      );
    });
    const deliver = ({ cards, offset, acceptedAt }: ScoredBatch) => {
      this.push(cards, offset);
      if (acceptedAt !== undefined) this.metrics.endToEndSeconds.observe((Date.now() - acceptedAt) / 1000);
    };
    // every gateway reads every update and pushes it to its own sockets: a client may connect to any
    // gateway, and each keeps its rooms' sequence numbers
    this.updates = this.transport.subscribe('scorecard-updates', deliver, {
      consumer: 'gateway',
      mode: 'every',
      onError: (err) => this.logger.error(`reading scorecard updates: ${String(err)}`),
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await (await this.updates)?.close();
  }

  @SubscribeMessage('join')
  async join(
    @ConnectedSocket() socket: Socket,
    @MessageBody() body: { room?: unknown },
  ): Promise<RoomSnapshot | { error: string }> {
    const scope = parseScope(body?.room);
    if (scope === undefined)
      return {
        error: 'room: expected org:<org>, team:<org>:<team>, team-agents:<org>:<team> or agent:<org>:<agent>',
      };
    const { principal } = socket.data as SocketData;
    if (!(await this.access.mayRead(principal, scope)))
      return { error: `forbidden: a ${principal.role} token may not read ${scopeName(scope)}` };
    const room = scopeName(scope);
    await socket.join(room);
    const seq = this.seq.get(room) ?? 0;
    const cards = new Map((await this.stored(scope)).map((c) => [entityKey(c), c]));
    for (const [key, card] of this.pushed.get(room) ?? []) {
      const stored = cards.get(key);
      if (stored === undefined || stored.periodStart <= card.periodStart) cards.set(key, card);
    }
    return { room, seq, cards: [...cards.values()] };
  }

  private async stored(scope: Scope): Promise<ScoredCard[]> {
    return (await this.storedAsWritten(scope)).map((c) => completeStoredCard(c, this.registry.current));
  }

  private async storedAsWritten(scope: Scope): Promise<StoredScoredCard[]> {
    switch (scope.kind) {
      case 'org':
        return this.scorecards.latestIn(scope.orgId, ['org', 'team']);
      case 'team':
        return this.scorecards.latestIn(scope.orgId, ['team'], [scope.teamId]);
      case 'team-agents':
        return this.scorecards.latestIn(scope.orgId, ['agent'], await this.access.agentsOf(scope.orgId, scope.teamId));
      case 'agent':
        return this.scorecards.latestIn(scope.orgId, ['agent'], [scope.agentId]);
    }
  }

  private push(cards: readonly ScoredCard[], offset: number): void {
    for (const card of cards) {
      for (const room of roomsOf(card.entity, (org, agent) => this.access.teamOfNow(org, agent))) {
        let latest = this.pushed.get(room);
        if (latest === undefined) this.pushed.set(room, (latest = new Map<string, ScoredCard>()));
        latest.set(entityKey(card), card);
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
