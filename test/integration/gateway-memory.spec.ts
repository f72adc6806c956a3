import { randomBytes } from 'node:crypto';
import { connect, type Socket as TcpSocket } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScoredBatch, ScoredCard, Transport } from '#libs/pipeline';
import { loadConfig } from '../../services/runtime/src/config';
import { TRANSPORT } from '../../services/runtime/src/tokens';
import { up, type Running } from '../../services/runtime/src/up';
import { DATABASE_URL, migratedTestDatabase, type TestDatabase } from '../support/postgres';
import { schemaUrl } from '../support/service-process';
import { AUTH_ENV, tokenFor } from '../support/tokens';

const CEILING = 1024 * 1024; // GATEWAY_SEND_BUFFER_BYTES for the test
const UPDATES = 4000; // cards pushed in the burst, each to two rooms
const KPIS = 40; // per card: about 8 KB each, some 32 MB of updates to a socket in org:O1
const HEAP_GROWTH_BOUND = 24 * 1024 * 1024; // a gateway holding what the silent socket left unread grows by more

// The scorecard gateway of a running app under a socket that never reads but answers pings, a join
// flood and a burst of live updates: its heap stays bounded, the silent socket is disconnected and
// counted, and a socket that reads gets every update.
describe('scorecard gateway memory under a reader that never reads', () => {
  let t: TestDatabase;
  let running: Running;
  let gc: () => void;
  beforeAll(async () => {
    // a full collection before each heap reading (vitest gives no --expose-gc)
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as () => void;
    t = await migratedTestDatabase();
    const config = loadConfig({
      DATABASE_URL: schemaUrl(DATABASE_URL, t.schema),
      PORT: '0',
      LOG_LEVEL: 'error',
      GATEWAY_SEND_BUFFER_BYTES: String(CEILING),
      ...AUTH_ENV,
    });
    running = await up(config);
  });
  afterAll(async () => {
    await running.close();
    await t.drop();
  });

  it('disconnects the silent socket past the ceiling and keeps the heap bounded', async () => {
    const token = await tokenFor({ role: 'admin', org: 'O1' });
    const reader = await joined(io(`${running.url}/scorecards`, { transports: ['websocket'], auth: { token } }));
    expect(await reader.emitWithAck('join', { room: 'org:O1' })).toMatchObject({ room: 'org:O1' });
    let received = 0;
    reader.on('scorecard', () => received++);
    const silent = await SilentSocket.open(running.url, token, 'org:O1');

    // a join flood: answered, most of it refused by the join budget, nothing held
    const flooder = await joined(io(`${running.url}/scorecards`, { transports: ['websocket'], auth: { token } }));
    const answers = await Promise.all(
      Array.from(
        { length: 400 },
        (_, i) => flooder.emitWithAck('join', { room: `team:O1:T${i % 50}` }) as Promise<{ error?: string }>,
      ),
    );
    expect(answers.filter((a) => a.error?.startsWith('rate-limited')).length).toBeGreaterThan(300);
    expect(flooder.connected).toBe(true);

    gc();
    const before = process.memoryUsage().heapUsed;
    const updates = running.app.get<Transport>(TRANSPORT).outlet('scorecard-updates');
    if (updates.kind !== 'send') throw new Error('expected the in-process feed');
    for (let i = 0; i < UPDATES; i += 20) {
      const batch: ScoredBatch = { cards: Array.from({ length: 20 }, (_, j) => card(i + j)), offset: i };
      await updates.send(batch);
      await new Promise((r) => setImmediate(r)); // the sockets write between batches
    }
    // the reader gets every update of its room (org:O1 carries the team cards too)
    while (received < UPDATES) await new Promise((r) => setTimeout(r, 20));
    expect(received).toBe(UPDATES);

    gc();
    const growth = process.memoryUsage().heapUsed - before;
    expect(growth).toBeLessThan(HEAP_GROWTH_BOUND);
    const metrics = await (await fetch(`${running.url}/metrics`)).text();
    expect(metrics).toMatch(/^kpi_gateway_slow_readers_disconnected_total 1$/m);
    expect(reader.connected).toBe(true);
    await silent.closed;

    silent.close();
    reader.close();
    flooder.close();
  });
});

// a team card with KPIS lines, its id and values varying (some 8 KB of JSON)
function card(i: number): ScoredCard {
  return {
    entity: { level: 'team', id: `T${i % 50}`, orgId: 'O1' },
    periodStart: Date.UTC(2026, 10, 1),
    periodEnd: Date.UTC(2026, 11, 1),
    timeZone: 'Asia/Shanghai',
    currency: 'CNY',
    window: 'month',
    scoredAt: Date.UTC(2026, 10, 15),
    closed: false,
    scorecardName: { en: 'Customer service', zh: '客服' },
    grades: [],
    score: {
      scorecard: 'cs-supervisor-monthly',
      total: i % 100,
      kpis: Array.from({ length: KPIS }, (_, k) => ({
        kpi: `kpi-${k}-${'x'.repeat(100)}`,
        value: i + k,
        points: k,
        unit: 'ratio',
        direction: 'higher',
      })),
    } as unknown as ScoredCard['score'],
  };
}

function joined(socket: Socket): Promise<Socket> {
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

// A socket.io client written by hand on a TCP socket: it upgrades to a websocket, connects to
// /scorecards with a token, joins a room, then stops reading (the socket is paused: the kernel's
// buffers fill, then the gateway's), while it goes on answering engine.io's pings blindly.
class SilentSocket {
  readonly closed: Promise<void>; // the gateway cut it off (a reset, seen at the next pong)

  private constructor(
    private readonly tcp: TcpSocket,
    private readonly pinger: NodeJS.Timeout,
  ) {
    tcp.on('error', () => undefined);
    this.closed = new Promise((resolve) => tcp.once('close', () => resolve()));
  }

  static async open(url: string, token: string, room: string): Promise<SilentSocket> {
    const { hostname, port } = new URL(url);
    const tcp = connect(Number(port), hostname);
    await new Promise<void>((resolve) => tcp.once('connect', () => resolve()));
    tcp.write(
      `GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: ${hostname}:${port}\r\nUpgrade: websocket\r\n` +
        `Connection: Upgrade\r\nSec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
    );
    const frames = new FrameReader(tcp);
    await frames.until((text) => text.startsWith('0{')); // engine.io open
    tcp.write(frame(`40/scorecards,${JSON.stringify({ token })}`));
    await frames.until((text) => text.startsWith('40/scorecards,'));
    tcp.write(frame(`42/scorecards,1${JSON.stringify(['join', { room }])}`));
    const ack = await frames.until((text) => text.startsWith('43/scorecards,1'));
    if (ack.includes('"error"')) throw new Error(`join refused: ${ack}`);
    frames.stop();
    tcp.pause();
    // engine.io pongs, unasked: the heartbeat never times it out
    return new SilentSocket(
      tcp,
      setInterval(() => {
        if (!tcp.destroyed) tcp.write(frame('3'));
      }, 1000),
    );
  }

  close(): void {
    clearInterval(this.pinger);
    this.tcp.resume();
    this.tcp.destroy();
  }
}

// a masked text frame, as a client sends it
function frame(text: string): Buffer {
  const payload = Buffer.from(text);
  const mask = randomBytes(4);
  const length =
    payload.length < 126
      ? Buffer.from([0x80 | payload.length])
      : Buffer.from([0x80 | 126, payload.length >> 8, payload.length & 0xff]);
  const masked = payload.map((b, i) => b ^ (mask[i % 4] as number));
  return Buffer.concat([Buffer.from([0x81]), length, mask, masked]);
}

// The server's frames (unmasked, text) after the HTTP upgrade response, read until one matches.
class FrameReader {
  private buffer = Buffer.alloc(0);
  private upgraded = false;
  private readonly texts: string[] = [];
  private wake: (() => void) | undefined;
  private readonly onData = (chunk: Buffer) => {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    if (!this.upgraded) {
      const end = this.buffer.indexOf('\r\n\r\n');
      if (end < 0) return;
      this.upgraded = true;
      this.buffer = this.buffer.subarray(end + 4);
    }
    for (;;) {
      if (this.buffer.length < 2) break;
      let length = (this.buffer[1] as number) & 0x7f;
      let start = 2;
      if (length === 126) [length, start] = [this.buffer.readUInt16BE(2), 4];
      else if (length === 127) [length, start] = [Number(this.buffer.readBigUInt64BE(2)), 10];
      if (this.buffer.length < start + length) break;
      this.texts.push(this.buffer.subarray(start, start + length).toString());
      this.buffer = this.buffer.subarray(start + length);
    }
    this.wake?.();
  };

  constructor(private readonly tcp: TcpSocket) {
    tcp.on('data', this.onData);
  }

  async until(match: (text: string) => boolean): Promise<string> {
    for (;;) {
      const found = this.texts.findIndex(match);
      if (found >= 0) return this.texts.splice(0, found + 1).pop() as string;
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  stop(): void {
    this.tcp.off('data', this.onData);
  }
}
