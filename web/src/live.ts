import { io, type Socket } from 'socket.io-client';
import type { AlertNews, ConnectionState, RoomSnapshot, RoomUpdate, ScoredCard } from './types';

export interface LiveHandlers {
  snapshot(room: string, cards: ScoredCard[]): void;
  update(room: string, card: ScoredCard): void;
  state(state: ConnectionState): void;
  unauthorized(message: string): void;
  roomError(room: string, error: string | null): void;
  alertsJoined(): void; // the alert rooms are joined (again): time to read the list
  alerts(news: AlertNews): void;
}

interface RoomState {
  seq: number | null; // null until the snapshot arrives
  generation: number; // a join's ack only counts if no newer join started since
  joining: boolean;
  buffer: RoomUpdate[]; // updates received while a join is in flight
  error: string | null;
  retry: number | undefined;
}

const JOIN_TIMEOUT_MS = 10_000;
const OFFLINE_AFTER_MS = 30_000; // reconnecting for this long reads as offline (socket.io keeps trying)

// The socket.io client: joins rooms, checks each room's sequence numbers, re-joins on a gap or after a
// reconnect (socket.io reconnects by itself), and never reloads the page.
export class LiveClient {
  private readonly socket: Socket;
  private readonly rooms = new Map<string, RoomState>();
  private closed = false;
  private current: ConnectionState = 'reconnecting';
  private offlineTimer: number | undefined;

  constructor(
    token: string,
    private readonly on: LiveHandlers,
  ) {
    this.socket = io('/scorecards', { auth: { token }, transports: ['websocket'], autoConnect: false, forceNew: true });
    this.socket.on('connect', () => {
      window.clearTimeout(this.offlineTimer);
      this.offlineTimer = undefined;
      this.setState('live');
      for (const room of this.rooms.keys()) this.join(room);
      this.joinAlerts();
    });
    this.socket.on('disconnect', (reason) => {
      if (this.closed) return;
      for (const state of this.rooms.values()) {
        state.seq = null;
        state.joining = false;
        state.buffer = [];
      }
      // the server closed this socket on purpose: socket.io does not come back by itself then
      if (reason === 'io server disconnect') window.setTimeout(() => this.reconnect(), 1000);
      this.down();
    });
    this.socket.on('connect_error', (err: Error) => {
      if (this.closed) return;
      if (/unauthori[sz]ed/i.test(err.message)) {
        this.on.unauthorized(err.message);
        return;
      }
      // a middleware refusal stops socket.io's own retries; anything else it retries with backoff
      if (!this.socket.active) window.setTimeout(() => this.reconnect(), 3000);
      this.down();
    });
    this.socket.on('scorecard', (update: RoomUpdate) => this.receive(update));
    this.socket.on('alerts', (news: AlertNews) => this.on.alerts(news));
    window.addEventListener('offline', this.onOffline);
    window.addEventListener('online', this.onOnline);
  }

  // not connected: reconnecting at first, offline when the browser is or after a while
  private down(): void {
    if (!navigator.onLine) {
      this.setState('offline');
      return;
    }
    if (this.current !== 'offline') this.setState('reconnecting');
    this.offlineTimer ??= window.setTimeout(() => {
      this.offlineTimer = undefined;
      if (!this.socket.connected && !this.closed) this.setState('offline');
    }, OFFLINE_AFTER_MS);
  }

  private readonly onOffline = (): void => {
    if (!this.socket.connected) this.setState('offline');
  };

  private readonly onOnline = (): void => {
    if (this.socket.connected) return;
    this.setState('reconnecting');
    this.reconnect();
  };

  private reconnect(): void {
    if (this.closed || this.socket.connected) return;
    this.socket.connect();
  }

  connect(): void {
    this.socket.connect();
  }

  get state(): ConnectionState {
    return this.current;
  }

  private setState(state: ConnectionState): void {
    this.current = state;
    this.on.state(state);
  }

  has(room: string): boolean {
    return this.rooms.has(room);
  }

  errorOf(room: string): string | null {
    return this.rooms.get(room)?.error ?? null;
  }

  joinedRooms(): string[] {
    return [...this.rooms.keys()];
  }

  // follow a room from now on (again after every reconnect)
  ensure(room: string): void {
    if (this.rooms.has(room)) return;
    this.rooms.set(room, { seq: null, generation: 0, joining: false, buffer: [], error: null, retry: undefined });
    if (this.socket.connected) this.join(room);
  }

  private join(room: string): void {
    const state = this.rooms.get(room);
    if (state === undefined || this.closed) return;
    window.clearTimeout(state.retry);
    const generation = ++state.generation;
    state.joining = true;
    state.seq = null;
    this.socket
      .timeout(JOIN_TIMEOUT_MS)
      .emit('join', { room }, (err: Error | null, reply: RoomSnapshot | { error: string } | undefined) => {
        if (state.generation !== generation || this.rooms.get(room) !== state) return;
        state.joining = false;
        if (err !== null || reply === undefined || reply === null) {
          // no answer in time: try again while connected; a reconnect re-joins anyway
          state.buffer = [];
          if (this.socket.connected) state.retry = window.setTimeout(() => this.join(room), 2000);
          return;
        }
        if ('error' in reply) {
          state.buffer = [];
          state.error = reply.error;
          this.on.roomError(room, reply.error);
          return;
        }
        if (state.error !== null) {
          state.error = null;
          this.on.roomError(room, null);
        }
        state.seq = reply.seq;
        this.on.snapshot(room, Array.isArray(reply.cards) ? reply.cards : []);
        const buffered = state.buffer.sort((a, b) => a.seq - b.seq);
        state.buffer = [];
        for (const update of buffered) this.receive(update);
      });
  }

  // the alert rooms of the token's scope; what was missed while away is read again after the join
  private joinAlerts(): void {
    this.socket
      .timeout(JOIN_TIMEOUT_MS)
      .emit('join-alerts', (err: Error | null, reply: { rooms?: string[]; error?: string } | undefined) => {
        if (this.closed) return;
        if (err !== null || reply === undefined || reply.error !== undefined) {
          if (this.socket.connected) window.setTimeout(() => this.joinAlerts(), 2000);
          return;
        }
        this.on.alertsJoined();
      });
  }

  private receive(update: RoomUpdate): void {
    const state = this.rooms.get(update.room);
    if (state === undefined) return;
    if (state.joining) {
      state.buffer.push(update);
      return;
    }
    if (state.seq === null) return;
    if (update.seq <= state.seq) return; // already in the snapshot
    if (update.seq !== state.seq + 1) {
      // a missed update: the snapshot of a new join carries everything, this one included
      this.join(update.room);
      state.buffer.push(update);
      return;
    }
    state.seq = update.seq;
    this.on.update(update.room, update.card);
  }

  close(): void {
    this.closed = true;
    window.clearTimeout(this.offlineTimer);
    for (const state of this.rooms.values()) window.clearTimeout(state.retry);
    window.removeEventListener('offline', this.onOffline);
    window.removeEventListener('online', this.onOnline);
    this.socket.removeAllListeners();
    this.socket.disconnect();
  }
}
