import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PostgresEventLog } from '#libs/postgres';
import { openDatabase } from '../../services/runtime/src/database';
import { unusedPort } from '../support/ports';

describe('embedded Postgres when DATABASE_URL is unset', () => {
  it('starts a real Postgres with the migrations applied, and keeps the data across restarts', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'kpi-data-'));
    const port = await unusedPort();
    const first = await openDatabase({ dataDir, port });
    expect(first.embedded).toBe(true);
    const log = new PostgresEventLog(first.db);
    await log.append([
      {
        key: 'O1/T1',
        event: {
          specversion: '1.0',
          id: 'x',
          source: 's',
          type: 'ticket.created',
          time: '2026-11-02T10:00:00+08:00',
          data: { orgId: 'O1', ticketId: 't', channel: 'chat' },
        },
      },
    ]);
    await first.close();

    const second = await openDatabase({ dataDir, port });
    const [row] = await second.db.query<{ version: string }[]>('SELECT version()');
    expect(row?.version).toMatch(/^PostgreSQL \d+/);
    expect((await new PostgresEventLog(second.db).read(0, 10)).map((r) => r.event.id)).toEqual(['x']);
    await second.close();
  }, 60_000);
});
