import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ROUTING_DEFAULTS } from '#libs/alerting';
import { WEBHOOK_HEADERS, webhookSignature } from '#libs/notify';
import type { AlertSubscriptionsRepository } from '#libs/postgres';

export interface DemoReceiver {
  url: string;
  close(): Promise<void>;
}

const DEMO_OWNER = 'demo-receiver';

interface Received {
  title?: string;
  alerts?: { link?: string }[];
}

// The demo's webhook receiver: a local endpoint that checks each message's signature as docs/alerts.md
// tells receivers to, dedupes by idempotency key, and prints what it got; subscribed to every alert of
// the org (grouped by team), in place of the demo's earlier one.
export async function startDemoReceiver(
  subscriptions: AlertSubscriptionsRepository,
  orgId: string,
  print: (line: string) => void,
): Promise<DemoReceiver> {
  const secret = randomBytes(24).toString('hex');
  const seen = new Set<string>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const timestamp = String(req.headers[WEBHOOK_HEADERS.timestamp] ?? '');
      const given = Buffer.from(String(req.headers[WEBHOOK_HEADERS.signature] ?? ''));
      const expected = Buffer.from(webhookSignature(secret, timestamp, body));
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        res.writeHead(401).end();
        return;
      }
      const key = String(req.headers[WEBHOOK_HEADERS.idempotencyKey] ?? '');
      if (!seen.has(key)) {
        seen.add(key);
        try {
          const message = JSON.parse(body) as Received;
          const link = message.alerts?.[0]?.link ?? '';
          print(`alert → ${message.title ?? '(no title)'}  ${link}`);
        } catch {
          print('alert → (a body that is not JSON)');
        }
      }
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/alerts`;
  for (const old of await subscriptions.list(orgId, DEMO_OWNER)) await subscriptions.remove(orgId, old.id);
  await subscriptions.create(
    orgId,
    { subject: DEMO_OWNER, role: 'admin', orgId, teams: [], agentId: null },
    {
      ...ROUTING_DEFAULTS,
      matchers: {},
      channel: { kind: 'webhook', url, secret },
      language: 'en',
      quietHours: null,
    },
  );
  return { url, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
