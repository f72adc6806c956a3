import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { openDatabase } from '../../services/runtime/src/database';

const LOCAL = 'postgres://postgres@127.0.0.1:5432/test';

// The tests' Postgres: DATABASE_URL; else the local server when one answers (this workplace runs one);
// else an embedded Postgres started here for the run, so `npm test` needs nothing but Node. Set before
// the test workers start, which read DATABASE_URL (test/support/postgres.ts).
export default async function setup(): Promise<(() => Promise<void>) | undefined> {
  if (process.env.DATABASE_URL !== undefined) return undefined;
  if (await answers(LOCAL)) {
    process.env.DATABASE_URL = LOCAL;
    return undefined;
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'kpi-pulse-tests-'));
  const database = await openDatabase({ dataDir, port: 54_400 + (process.pid % 500) });
  process.stderr.write(`tests: no Postgres at ${LOCAL}; an embedded one for this run at ${database.url}\n`);
  process.env.DATABASE_URL = database.url;
  return async () => {
    await database.close();
    rmSync(dataDir, { recursive: true, force: true });
  };
}

async function answers(url: string): Promise<boolean> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}
