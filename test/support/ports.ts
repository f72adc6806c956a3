import { createServer } from 'node:net';

// A port for a server the test starts later (an embedded Postgres): below Linux's ephemeral range
// (32768–60999), which the tests' own outgoing connections draw from, so no client socket takes it
// between the pick and the bind; checked free on 127.0.0.1 when picked.
export async function unusedPort(): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    const free = await new Promise<boolean>((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
    if (free) return port;
  }
}
