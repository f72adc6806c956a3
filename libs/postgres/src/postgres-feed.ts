import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import type { DataSource, EntityManager } from 'typeorm';
import type { PostgresConnectionOptions } from 'typeorm/driver/postgres/PostgresConnectionOptions.js';
import type {
  FeedHandler,
  FeedMessages,
  FeedName,
  Outlet,
  SubscribeOptions,
  Subscription,
  Transport,
} from '#libs/pipeline';

// A feed between services in separate processes: rows of a topic in the `feed` table, appended in the
// transaction of what they announce, read in id order by whoever listens. NOTIFY wakes the readers at
// once; a slow poll covers a lost connection.
const CHANNEL = 'kpi_feed';
const POLL_MS = 1000;
const READ_LIMIT = 100;
const REPORT_MS = 5000; // how often a reader records where it has got to (and that it is alive) for retention

// Appends a row inside the caller's transaction. The topic's advisory lock makes ids commit in order,
// so a reader resuming after id N never misses a smaller id committed later.
export async function appendToFeed<F extends FeedName>(
  tx: EntityManager,
  topic: F,
  payload: FeedMessages[F],
): Promise<void> {
  await tx.query(`SELECT pg_advisory_xact_lock(hashtext('feed:' || $1))`, [topic]);
  await tx.query(`INSERT INTO feed (topic, payload) VALUES ($1, $2)`, [topic, JSON.stringify(payload)]);
  // the notification goes out at commit; it carries the schema so tests sharing a database stay apart
  await tx.query(`SELECT pg_notify($1, current_schema() || ':' || $2)`, [CHANNEL, topic]);
}

// The feed table as the transport between services in separate processes: every message goes through
// the outbox (the store writes it in the transaction of what it announces), and every subscriber reads
// each message from its end on. No consumer groups: one instance of each consumer.
export class PostgresFeedTransport implements Transport {
  constructor(private readonly db: DataSource) {}

  outlet<F extends FeedName>(_feed: F): Outlet<FeedMessages[F]> {
    return { kind: 'outbox' };
  }

  subscribe<F extends FeedName>(
    feed: F,
    handler: FeedHandler<FeedMessages[F]>,
    options: SubscribeOptions,
  ): Promise<Subscription> {
    // a consumer that resumes keeps one position under its name; any other reader is anonymous
    const durable = options.from === 'committed' ? `${options.consumer}/${feed}` : undefined;
    return PostgresFeedReader.open(this.db, feed, handler, options.onError, durable);
  }
}

// Reads a topic from its end on (a durable reader: from its recorded position, at least once), each row
// once, in order, one listener call at a time. It records its position in feed_readers every few
// seconds: retention keeps the rows it has not read (docs/retention.md).
export class PostgresFeedReader<T> implements Subscription {
  private position = 0;
  private reported = 0; // when the position was last recorded
  private listenClient: Client | undefined;
  private timer: NodeJS.Timeout | undefined;
  private draining: Promise<void> = Promise.resolve();
  private dirty = false;
  private closed = false;

  private constructor(
    private readonly db: DataSource,
    private readonly topic: string,
    private readonly listener: FeedHandler<T>,
    private readonly onError: (err: unknown) => void,
    private readonly reader: string,
    private readonly durable: boolean,
  ) {}

  static async open<T>(
    db: DataSource,
    topic: string,
    listener: FeedHandler<T>,
    onError: (err: unknown) => void,
    durableName?: string,
  ): Promise<PostgresFeedReader<T>> {
    const reader = new PostgresFeedReader(
      db,
      topic,
      listener,
      onError,
      durableName ?? randomUUID(),
      durableName !== undefined,
    );
    await reader.start();
    return reader;
  }

  private async start(): Promise<void> {
    const [{ schema }] = await this.db.query<[{ schema: string }]>(`SELECT current_schema() AS schema`);
    const [{ end }] = await this.db.query<[{ end: string }]>(
      `SELECT coalesce(max(id), 0) AS end FROM feed WHERE topic = $1`,
      [this.topic],
    );
    const [left] = this.durable
      ? await this.db.query<{ position: string }[]>(
          `SELECT position FROM feed_readers WHERE reader = $1 AND topic = $2`,
          [this.reader, this.topic],
        )
      : [];
    this.position = left === undefined ? Number(end) : Math.min(Number(left.position), Number(end));
    await this.report();
    const options = this.db.options as PostgresConnectionOptions;
    const client = new Client({ connectionString: options.url });
    client.on('notification', (n) => {
      if (n.payload === `${schema}:${this.topic}`) void this.wake();
    });
    // a dropped LISTEN connection only slows delivery down to the poll
    client.on('error', () => undefined);
    await client.connect();
    await client.query(`LISTEN ${CHANNEL}`);
    this.listenClient = client;
    this.timer = setInterval(() => {
      void this.wake();
      if (Date.now() - this.reported >= REPORT_MS) this.report().catch(this.onError);
    }, POLL_MS);
  }

  private async report(): Promise<void> {
    this.reported = Date.now();
    await this.db.query(
      `INSERT INTO feed_readers (reader, topic, position) VALUES ($1, $2, $3)
       ON CONFLICT (reader) DO UPDATE SET position = excluded.position, seen_at = now()`,
      [this.reader, this.topic, this.position],
    );
  }

  // Resolves once every row committed before the call has been handed to the listener.
  wake(): Promise<void> {
    this.dirty = true;
    this.draining = this.draining
      .then(async () => {
        while (this.dirty && !this.closed) {
          this.dirty = false;
          let rows: { id: string; payload: T }[];
          do {
            rows = await this.db.query<{ id: string; payload: T }[]>(
              `SELECT id, payload FROM feed WHERE topic = $1 AND id > $2 ORDER BY id LIMIT ${READ_LIMIT}`,
              [this.topic, this.position],
            );
            for (const row of rows) {
              await this.listener(row.payload);
              this.position = Number(row.id);
            }
          } while (rows.length === READ_LIMIT && !this.closed);
        }
      })
      .catch((err: unknown) => {
        // the row is read again at the next wake (the poll timer at the latest)
        this.dirty = true;
        this.onError(err);
      });
    return this.draining;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer !== undefined) clearInterval(this.timer);
    await this.draining.catch(() => undefined);
    await this.listenClient?.end().catch(() => undefined);
    // a durable reader records where it stopped; an anonymous one lets retention forget it
    if (this.durable) await this.report().catch(() => undefined);
    else await this.db.query(`DELETE FROM feed_readers WHERE reader = $1`, [this.reader]).catch(() => undefined);
  }
}
