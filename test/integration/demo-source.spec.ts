import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import type { CanonicalEvent } from '#libs/events';
import { SOURCES } from '#libs/simulator';
import { startDemoSource } from '../../services/runtime/src/demo-source';
import { until } from '../support/until';

// A receiver standing in for ingest: it answers 503 to the first post of each source (nothing taken),
// then 202, and keeps what it took.
function flakyIngest() {
  const taken: CanonicalEvent[] = [];
  const refused = new Map<string, CanonicalEvent[]>();
  let open = 0;
  let mostOpen = 0;
  const server = createServer((req, res) => {
    open++;
    mostOpen = Math.max(mostOpen, open);
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const events = JSON.parse(body) as CanonicalEvent[];
      const source = events[0]?.source ?? '';
      // slow enough that the next ticks pile up while a post is under way
      setTimeout(() => {
        open--;
        if (!refused.has(source)) {
          refused.set(source, events);
          res.writeHead(503).end();
        } else {
          taken.push(...events);
          res.writeHead(202, { 'content-type': 'application/json' }).end('{}');
        }
      }, 300);
    });
  });
  return { server, taken, refused, mostOpen: () => mostOpen };
}

describe('the demo source posts like a well-behaved webhook sender', () => {
  let server: Server | undefined;
  afterEach(() => new Promise<void>((resolve) => (server === undefined ? resolve() : server.close(() => resolve()))));

  it('sends a refused post again after a pause, one post in flight per source, and stop() waits for the posts under way', async () => {
    const ingest = flakyIngest();
    server = ingest.server;
    await new Promise<void>((resolve) => ingest.server.listen(0, '127.0.0.1', resolve));
    const { port } = ingest.server.address() as { port: number };
    const source = startDemoSource({
      url: `http://127.0.0.1:${port}/v1/events`,
      tokens: new Map(Object.values(SOURCES).map((uri) => [uri, 'token'])),
      rate: 400,
      teams: 1,
      agents: 2,
      manualIndicators: [],
      reviewers: [],
      timeZone: 'UTC',
    });
    // every refused post is sent again, even by a source that emits nothing more for a while
    const allRefusedTaken = () => {
      const ids = new Set(ingest.taken.map((e) => e.id));
      return [...ingest.refused.values()].every((events) => events.every((e) => ids.has(e.id)));
    };
    await until(async () => Promise.resolve(ingest.taken.length > 300 && allRefusedTaken()), 20_000);
    await source.stop();
    const takenAtStop = ingest.taken.length;
    // nothing is posted after stop() returned
    await new Promise((r) => setTimeout(r, 500));
    expect(ingest.taken.length).toBe(takenAtStop);
    expect(source.sent()).toBe(takenAtStop);
    expect(source.skipped()).toBe(0);
    // every refused event came again, and none was taken twice
    const ids = ingest.taken.map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const events of ingest.refused.values()) for (const e of events) expect(ids).toContain(e.id);
    // one request at a time per source: at most one per simulated system was open at once
    expect(ingest.mostOpen()).toBeLessThanOrEqual(Object.keys(SOURCES).length);
  });
});
