import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RoomUpdate } from '../../services/scorecard-gateway/src/scorecard.gateway';
import { ticketSolved } from '../support/events';
import { DATABASE_URL, migratedTestDatabase, type TestDatabase } from '../support/postgres';
import { seedAsOneDocument, type SeedCard } from '../support/seed-document';
import { schemaUrl, startService, type ServiceProcess } from '../support/service-process';

const iso = (ms: number) => new Date(ms).toISOString().replace('Z', '+00:00');
const solved = (id: string, contacts: number) => ticketSolved(id, contacts, iso(Date.now() - 60_000));

// The four services as four processes on one database: changes, scorecards and published definitions
// travel through the Postgres feeds.
describe('each service in a process of its own (node dist/services/<name>/main.js)', () => {
  let t: TestDatabase;
  const services: Record<string, ServiceProcess> = {};
  let socket: Socket;
  const updates: RoomUpdate[] = [];
  const next = (match: (u: RoomUpdate) => boolean, timeoutMs = 15_000) =>
    new Promise<RoomUpdate>((resolve, reject) => {
      const found = updates.find(match);
      if (found !== undefined) return resolve(found);
      const timer = setTimeout(() => reject(new Error('no matching scorecard update')), timeoutMs);
      socket.on('scorecard', (u: RoomUpdate) => {
        if (!match(u)) return;
        clearTimeout(timer);
        resolve(u);
      });
    });

  beforeAll(async () => {
    t = await migratedTestDatabase();
    const env = { DATABASE_URL: schemaUrl(DATABASE_URL, t.schema), PROCESSOR_FLUSH_MS: '100' };
    const names = ['ingest-gateway', 'indicator-processor', 'scoring-service', 'scorecard-gateway'];
    const started = await Promise.all(names.map((name) => startService(name, env)));
    names.forEach((name, i) => (services[name] = started[i] as ServiceProcess));
    socket = io(`${services['scorecard-gateway']?.url}/scorecards`, { transports: ['websocket'] });
    socket.on('scorecard', (u: RoomUpdate) => updates.push(u));
    await socket.emitWithAck('join', { room: 'team:O1:T1' });
  });
  afterAll(async () => {
    socket.close();
    for (const s of Object.values(services)) s.child.kill('SIGKILL');
    await t.drop();
  });

  it('an event posted to the ingest process reaches a socket of the gateway process, scored', async () => {
    const posted = await fetch(`${services['ingest-gateway']?.url}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([solved('s1', 1), solved('s2', 1), solved('s3', 2), solved('s4', 1)]),
    });
    expect(posted.status).toBe(202);
    const update = await next(
      (u) =>
        u.card.score.scorecard === 'cs-supervisor-monthly' &&
        u.card.score.kpis.find((k) => k.kpi === 'fcr')?.actual === 0.75,
    );
    expect(update.room).toBe('team:O1:T1');
  });

  it('a version published on the gateway process re-scores in the scoring process', async () => {
    const doc = seedAsOneDocument();
    const card = doc.scorecards.find((c) => c.id === 'cs-supervisor-monthly') as SeedCard;
    (card.kpis.find((k) => k.id === 'fcr') as { target: number }).target = 0.9;
    const published = await fetch(`${services['scorecard-gateway']?.url}/v1/definitions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-kpi-user': 'hr-admin' },
      body: JSON.stringify(doc),
    });
    expect(published.status).toBe(201);
    await next(
      (u) =>
        u.card.score.scorecard === 'cs-supervisor-monthly' &&
        u.card.score.kpis.find((k) => k.kpi === 'fcr')?.target === 0.9,
    );
  });

  it('every process reports ready and stops cleanly on SIGTERM', async () => {
    for (const s of Object.values(services)) expect((await fetch(`${s.url}/health/ready`)).status).toBe(200);
    for (const s of Object.values(services)) s.child.kill('SIGTERM');
    expect(await Promise.all(Object.values(services).map((s) => s.exited))).toEqual([0, 0, 0, 0]);
  });
});
