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
import { parseScope, scopeName, type Principal, type Scope } from '#libs/access';
import {
  completeStoredCard,
  RoomLedger,
  type DefinitionsRegistry,
  type RoomSnapshot,
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

// socket.io namespace /scorecards. The handshake carries a bearer token (auth.token); a socket joins
// the rooms its role may read (libs/access), gets the room's snapshot as the ack, then every update of
// it with a per-room sequence number. Rooms: org:<org> (org and team cards), team:<org>:<team>,
// team-agents:<org>:<team> (its agents' individual cards), agent:<org>:<agent>.
@WebSocketGateway({ namespace: '/scorecards', cors: { origin: true } })
export class ScorecardGateway implements OnGatewayInit, OnApplicationShutdown {
  @WebSocketServer() private readonly server!: Namespace;
  private readonly ledger: RoomLedger;
  private readonly logger = new Logger('scorecard-gateway');
  private updates: Promise<Subscription> | undefined;

  constructor(
    @Inject(SCORECARDS) private readonly scorecards: ScorecardsRepository,
    @Inject(TRANSPORT) private readonly transport: Transport,
    @Inject(METRICS) private readonly metrics: PipelineMetrics,
    @Inject(AccessService) private readonly access: AccessService,
    @Inject(REGISTRY) private readonly registry: DefinitionsRegistry,
  ) {
    this.ledger = new RoomLedger((org, agent) => access.teamOfNow(org, agent));
  }

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
      for (const update of this.ledger.record(cards, offset)) {
        // socket.io encodes a broadcast before it looks for receivers: skip rooms nobody is in
        if ((this.server.adapter.rooms.get(update.room)?.size ?? 0) > 0)
          this.server.to(update.room).emit('scorecard', update);
      }
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
    return this.ledger.snapshot(room, await this.stored(scope));
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
}
