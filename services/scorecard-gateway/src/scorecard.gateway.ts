import { Inject, Logger, type OnApplicationShutdown } from '@nestjs/common';
import {
  ConnectedSocket,
  MessageBody,
  SubscribeMessage,
  WebSocketGateway,
  WebSocketServer,
  type OnGatewayConnection,
  type OnGatewayDisconnect,
  type OnGatewayInit,
} from '@nestjs/websockets';
import type { Namespace, Socket } from 'socket.io';
import {
  alertRoomsFor,
  alertRoomsOf,
  alertRoomsOfSilence,
  parseScope,
  scopeName,
  type Principal,
  type Scope,
} from '#libs/access';
import {
  completeStoredCard,
  type AlertAck,
  type AlertNews,
  type AlertPending,
  type AlertRecord,
  RoomLedger,
  type DefinitionsRegistry,
  type RoomSnapshot,
  type ScoredBatch,
  type ScoredCard,
  type StoredScoredCard,
  type Subscription,
  type Transport,
} from '#libs/pipeline';
import type { RevokedTokensRepository, ScorecardsRepository } from '#libs/postgres';
import { bearerOf, Unauthorized } from '#runtime/auth';
import type { RuntimeConfig } from '#runtime/config';
import type { PipelineMetrics } from '#runtime/metrics';
import { CONFIG, METRICS, REGISTRY, REVOKED_TOKENS, SCORECARDS, TRANSPORT } from '#runtime/tokens';
import { AccessService } from '#runtime/access.service';
import { JoinBudget } from './join-budget';

interface SocketData {
  principal: Principal;
  token: string; // verified again at every join
  budget: JoinBudget;
  expiry?: NodeJS.Timeout;
}

// setTimeout takes at most 2^31 − 1 ms (24.8 days); a display token lives longer: the timer is re-armed
const MAX_TIMER_MS = 2 ** 31 - 1;
// What an `alerts` message carries to a page (a silence: only that one was made or ended).
interface PageNews {
  transitions: AlertRecord[];
  acknowledged: AlertAck[];
  pending: AlertPending[];
  silences: { id: string; ended: boolean }[];
}

// the most alert news one push carries to a room; past it the room is told to read the list again (a
// storm of transitions costs each page one request, not a flood of messages)
const MAX_ALERTS_PER_PUSH = 100;
// how often the tokens of the connected sockets are looked up in the revocation list (one query), so a
// token revoked through another gateway closes its sockets here too
const REVOCATION_SWEEP_MS = 30_000;

// socket.io namespace /scorecards. The handshake carries a bearer token (auth.token); a socket joins
// the rooms its role may read (libs/access), gets the room's snapshot as the ack, then every update of
// it with a per-room sequence number. Rooms: org:<org> (org and team cards), team:<org>:<team>,
// team-agents:<org>:<team> (its agents' individual cards), agent:<org>:<agent>.
// A socket lives as long as its token: closed at its exp, or when it is revoked; every join checks the
// token again. A socket that leaves more than GATEWAY_SEND_BUFFER_BYTES unread is disconnected.
// Alerts: `join-alerts` joins the alert rooms of the token's scope (libs/access alert-scope.ts); each
// transition recorded, acknowledgement, alert that began or stopped pending, and silence made or ended
// then arrives as an `alerts` message.
// Origins, message size: SecureIoAdapter (services/runtime/src/http-security.ts).
@WebSocketGateway({ namespace: '/scorecards' })
export class ScorecardGateway
  implements OnGatewayInit, OnGatewayConnection, OnGatewayDisconnect, OnApplicationShutdown
{
  @WebSocketServer() private readonly server!: Namespace;
  private readonly ledger: RoomLedger;
  private readonly logger = new Logger('scorecard-gateway');
  private updates: Promise<Subscription> | undefined;
  private alertNews: Promise<Subscription> | undefined;
  private sweep: NodeJS.Timeout | undefined;

  constructor(
    @Inject(SCORECARDS) private readonly scorecards: ScorecardsRepository,
    @Inject(TRANSPORT) private readonly transport: Transport,
    @Inject(METRICS) private readonly metrics: PipelineMetrics,
    @Inject(AccessService) private readonly access: AccessService,
    @Inject(REGISTRY) private readonly registry: DefinitionsRegistry,
    @Inject(REVOKED_TOKENS) private readonly revoked: RevokedTokensRepository,
    @Inject(CONFIG) private readonly config: RuntimeConfig,
  ) {
    this.ledger = new RoomLedger((org, agent) => access.teamOfNow(org, agent));
  }

  afterInit(server: Namespace): void {
    // no token, no socket: the client sees connect_error "unauthorized: …"
    server.use((socket, next) => {
      const auth: unknown = socket.handshake.auth;
      const given = typeof auth === 'object' && auth !== null && 'token' in auth ? String(auth.token) : undefined;
      const token = given ?? bearerOf(socket.handshake.headers.authorization);
      this.access.verifier.verify(token).then(
        (principal) => {
          const data: SocketData = { principal, token: token ?? '', budget: new JoinBudget(Date.now()) };
          socket.data = data;
          next();
        },
        (err: unknown) => next(err instanceof Error ? err : new Error(String(err))),
      );
    });
    const deliver = ({ cards, offset, acceptedAt }: ScoredBatch) => {
      const receivers = new Set<string>();
      for (const update of this.ledger.record(cards, offset)) {
        const members = this.server.adapter.rooms.get(update.room);
        // socket.io encodes a broadcast before it looks for receivers: skip rooms nobody is in
        if (members === undefined || members.size === 0) continue;
        this.server.to(update.room).emit('scorecard', update);
        for (const id of members) receivers.add(id);
      }
      for (const id of receivers) {
        const socket = this.server.sockets.get(id);
        if (socket !== undefined) this.dropIfBehind(socket);
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
    this.alertNews = this.transport.subscribe('alerts', (news) => this.pushAlerts(news), {
      consumer: 'gateway',
      mode: 'every',
      onError: (err) => this.logger.error(`reading alert news: ${String(err)}`),
    });
  }

  // Each transition, acknowledgement and pending alert to the alert rooms of its entity, one message per
  // room (a socket's rooms never share an entity). Each silence to the rooms of the alerts it may select,
  // once per socket, as its id alone: the page reads which of its alerts it mutes (GET /v1/alerts), never
  // another's matchers.
  private pushAlerts(news: AlertNews): void {
    const byRoom = new Map<string, PageNews>();
    const teamOf = (org: string, agent: string) => this.access.teamOfNow(org, agent);
    const into = (room: string): PageNews => {
      let found = byRoom.get(room);
      if (found === undefined)
        byRoom.set(room, (found = { transitions: [], acknowledged: [], pending: [], silences: [] }));
      return found;
    };
    const entityRooms = (a: { level: AlertRecord['level']; entityId: string; orgId: string }) =>
      alertRoomsOf({ level: a.level, id: a.entityId, orgId: a.orgId }, teamOf);
    for (const t of news.transitions) for (const room of entityRooms(t)) into(room).transitions.push(t);
    for (const a of news.acknowledged) for (const room of entityRooms(a)) into(room).acknowledged.push(a);
    for (const p of news.pending ?? []) for (const room of entityRooms(p)) into(room).pending.push(p);
    const receivers = new Set<string>();
    const heard = (rooms: readonly string[]): string[] => {
      const live = rooms.filter((room) => (this.server.adapter.rooms.get(room)?.size ?? 0) > 0);
      for (const room of live) for (const id of this.server.adapter.rooms.get(room) ?? []) receivers.add(id);
      return live;
    };
    for (const [room, message] of byRoom) {
      if (heard([room]).length === 0) continue;
      const size = message.transitions.length + message.acknowledged.length + message.pending.length;
      this.server.to(room).emit('alerts', size > MAX_ALERTS_PER_PUSH ? { reload: true } : message);
    }
    for (const s of news.silences ?? []) {
      const rooms = heard(alertRoomsOfSilence(s.orgId, s.matchers, teamOf) ?? this.alertRoomsOfOrg(s.orgId));
      const message: PageNews = {
        transitions: [],
        acknowledged: [],
        pending: [],
        silences: [{ id: s.id, ended: s.ended }],
      };
      // one broadcast to several rooms reaches each socket once
      if (rooms.length > 0) this.server.to(rooms).emit('alerts', message);
    }
    for (const id of receivers) {
      const socket = this.server.sockets.get(id);
      if (socket !== undefined) this.dropIfBehind(socket);
    }
  }

  // the alert rooms of an org that someone on this gateway is in
  private alertRoomsOfOrg(orgId: string): string[] {
    const all = `alerts:${orgId}`;
    return [...this.server.adapter.rooms.keys()].filter((room) => room === all || room.startsWith(`${all}:`));
  }

  handleConnection(socket: Socket): void {
    this.metrics.gatewaySockets.inc();
    this.armExpiry(socket);
    this.sweep ??= setInterval(() => void this.sweepRevoked(), REVOCATION_SWEEP_MS).unref();
  }

  handleDisconnect(socket: Socket): void {
    this.metrics.gatewaySockets.dec();
    clearTimeout((socket.data as Partial<SocketData>).expiry);
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.sweep);
    await (await this.updates)?.close();
    await (await this.alertNews)?.close();
  }

  // An admin revoked this token (POST /v1/tokens/<jti>/revoke): this gateway's sockets holding it close
  // now; other gateways' at their next sweep or join.
  signOutToken(orgId: string, jti: string): void {
    for (const socket of this.server.sockets.values()) {
      const { principal } = socket.data as SocketData;
      if (principal.orgId === orgId && principal.tokenId === jti)
        signOut(socket, 'unauthorized: the token was revoked');
    }
  }

  private armExpiry(socket: Socket): void {
    const data = socket.data as SocketData;
    const left = data.principal.expiresAt - Date.now();
    if (left <= 0) return signOut(socket, 'unauthorized: the token has expired');
    data.expiry = setTimeout(() => this.armExpiry(socket), Math.min(left, MAX_TIMER_MS));
  }

  private async sweepRevoked(): Promise<void> {
    const held = new Map<string, { orgId: string; jti: string }>();
    for (const socket of this.server.sockets.values()) {
      const { orgId, tokenId } = (socket.data as SocketData).principal;
      if (tokenId !== undefined) held.set(JSON.stringify([orgId, tokenId]), { orgId, jti: tokenId });
    }
    if (held.size === 0) return;
    try {
      for (const { orgId, jti } of await this.revoked.revokedAmong([...held.values()])) this.signOutToken(orgId, jti);
    } catch (err) {
      this.logger.warn(`checking revoked tokens: ${String(err)}`); // the next sweep or join checks again
    }
  }

  @SubscribeMessage('join')
  async join(
    @ConnectedSocket() socket: Socket,
    @MessageBody() body: { room?: unknown },
  ): Promise<RoomSnapshot | { error: string }> {
    const data = socket.data as SocketData;
    // the bounds first: a flood of joins reaches neither the token check nor the database, and a
    // socket that does not read its answers gets no more of them
    if (this.dropIfBehind(socket)) return { error: 'slow-reader' };
    const limited = data.budget.take(Date.now());
    if (limited !== undefined) return { error: limited };
    const scope = parseScope(body?.room);
    if (scope === undefined)
      return {
        error: 'room: expected org:<org>, team:<org>:<team>, team-agents:<org>:<team> or agent:<org>:<agent>',
      };
    const room = scopeName(scope);
    const full = data.budget.hold(room);
    if (full !== undefined) return { error: full };
    try {
      // the token again: expired or revoked since the handshake, the socket is closed after this answer
      let principal: Principal;
      try {
        principal = await this.access.verifier.verify(data.token);
      } catch (err) {
        if (!(err instanceof Unauthorized)) throw err;
        setImmediate(() => signOut(socket, err.message));
        return { error: err.message };
      }
      if (!(await this.access.mayRead(principal, scope)))
        return { error: `forbidden: a ${principal.role} token may not read ${scopeName(scope)}` };
      await socket.join(room);
      return this.ledger.snapshot(room, await this.stored(scope));
    } finally {
      if (!socket.rooms.has(room)) data.budget.release(room);
    }
  }

  // The alert rooms of the token's scope, joined (again after a reconnect: the page asks then); the alerts
  // themselves are read over REST (GET /v1/alerts), the pushes keep them current.
  @SubscribeMessage('join-alerts')
  async joinAlerts(@ConnectedSocket() socket: Socket): Promise<{ rooms: string[] } | { error: string }> {
    const data = socket.data as SocketData;
    if (this.dropIfBehind(socket)) return { error: 'slow-reader' };
    const limited = data.budget.take(Date.now());
    if (limited !== undefined) return { error: limited };
    let principal: Principal;
    try {
      principal = await this.access.verifier.verify(data.token);
    } catch (err) {
      if (!(err instanceof Unauthorized)) throw err;
      setImmediate(() => signOut(socket, err.message));
      return { error: err.message };
    }
    const rooms = alertRoomsFor(principal);
    await socket.join(rooms);
    return { rooms };
  }

  // A socket with more unread than the ceiling is cut off at once (not socket.disconnect(), which waits
  // for the unread packets to drain): its buffers are freed. Whether it was.
  private dropIfBehind(socket: Socket): boolean {
    const unread = unreadBytes(socket);
    if (unread <= this.config.gatewaySendBufferBytes) return false;
    this.metrics.slowReadersDisconnected.inc();
    const { principal } = socket.data as SocketData;
    this.logger.warn(
      `disconnected ${principal.subject} (socket ${socket.id}): ${unread} bytes unread, over GATEWAY_SEND_BUFFER_BYTES`,
    );
    const { transport } = engineOf(socket);
    socket.conn.close(true);
    transport.socket?.terminate?.();
    return true;
  }

  private async stored(scope: Scope): Promise<ScoredCard[]> {
    const definitions = this.registry.forOrg(scope.orgId);
    return (await this.storedAsWritten(scope)).map((c) => completeStoredCard(c, definitions));
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

// The socket's token no longer holds: the client is told why ('signed-out'), then disconnected (socket.io
// does not reconnect by itself after a server disconnect; the page tries once and is refused).
function signOut(socket: Socket, reason: string): void {
  if (!socket.connected) return;
  socket.emit('signed-out', { reason });
  socket.disconnect(true);
}

// engine.io's side of a socket, as far as the send-buffer ceiling reads it (engine.io 6 internals, not
// in its types): the packets waiting for the transport, and the websocket (ws) with its own buffer
interface EngineSide {
  writeBuffer: readonly { data?: unknown }[];
  transport: { socket?: { bufferedAmount?: number; terminate?: () => void } };
}

function engineOf(socket: Socket): EngineSide {
  return socket.conn as unknown as EngineSide;
}

// what the socket has been sent and not read, in bytes (a string packet counted by its length: the
// messages are JSON, mostly ASCII)
function unreadBytes(socket: Socket): number {
  const { writeBuffer, transport } = engineOf(socket);
  let bytes = transport.socket?.bufferedAmount ?? 0;
  for (const { data } of writeBuffer)
    bytes += typeof data === 'string' ? data.length : data instanceof Buffer ? data.byteLength : 0;
  return bytes;
}
