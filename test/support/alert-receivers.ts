import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AlertChange } from '#libs/alerting';
import type { AlertRuleDef } from '#libs/definitions';
import type { AlertItem } from '#libs/notify';

// Local stand-ins for the vendors' endpoints. Each verifies a request the way its vendor documents it,
// recomputing the signature from the secret (never with our signing code), and answers like the vendor:
// an error code in a 200 body for the chat robots.

export interface Received {
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  raw: string;
  json: unknown;
}

export interface Receiver {
  url: string;
  accepted: Received[]; // the messages the receiver took
  refused: string[]; // why the others were refused
  close(): Promise<void>;
}

type Verdict = { ok: true; status?: number; body: string } | { ok: false; status?: number; body: string; why: string };
export type Verify = (r: Received) => Verdict;

// Answers with a 5xx for the first `failures` requests, before verifying anything.
export async function startReceiver(verify: Verify, failures = 0): Promise<Receiver> {
  const accepted: Received[] = [];
  const refused: string[] = [];
  let seen = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen += 1;
      if (seen <= failures) {
        refused.push('failing on purpose');
        res.writeHead(503, { 'content-type': 'text/plain' }).end('down for maintenance');
        return;
      }
      const raw = Buffer.concat(chunks).toString('utf8');
      const url = new URL(req.url ?? '/', 'http://receiver');
      let json: unknown = null;
      try {
        json = JSON.parse(raw);
      } catch {
        json = null;
      }
      const received: Received = { path: url.pathname, query: url.searchParams, headers: req.headers, raw, json };
      const verdict = verify(received);
      if (verdict.ok) accepted.push(received);
      else refused.push(verdict.why);
      res.writeHead(verdict.status ?? 200, { 'content-type': 'application/json' }).end(verdict.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    accepted,
    refused,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

const sameText = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
const HOUR = 3_600_000;

// Our generic webhook, as docs/alerts.md tells a receiver to check it (five minutes of tolerance).
export function webhookVerifier(secret: string): Verify {
  return (r) => {
    const timestamp = String(r.headers['x-kpi-pulse-timestamp'] ?? '');
    const signature = String(r.headers['x-kpi-pulse-signature'] ?? '');
    if (Math.abs(Date.now() / 1000 - Number(timestamp)) > 300) return refuse(401, 'stale timestamp');
    const expected = `v1=${createHmac('sha256', secret).update(`${timestamp}.${r.raw}`).digest('hex')}`;
    if (!sameText(signature, expected)) return refuse(401, 'bad signature');
    if (typeof r.headers['idempotency-key'] !== 'string') return refuse(400, 'no idempotency key');
    return { ok: true, body: '{"received":true}' };
  };
}

function refuse(status: number, why: string): Verdict {
  return { ok: false, status, body: JSON.stringify({ error: why }), why };
}

// DingTalk: timestamp (ms) within an hour, sign = Base64(HmacSHA256(secret, timestamp + "\n" + secret)),
// URL-encoded in the query (URLSearchParams decodes it back); errcode 310000 otherwise.
export function dingTalkVerifier(accessToken: string, secret: string): Verify {
  const error = (why: string): Verdict => ({ ok: false, body: JSON.stringify({ errcode: 310000, errmsg: why }), why });
  return (r) => {
    if (r.query.get('access_token') !== accessToken)
      return { ok: false, body: '{"errcode":300001,"errmsg":"token is not exist"}', why: 'token' };
    const timestamp = r.query.get('timestamp') ?? '';
    if (Math.abs(Date.now() - Number(timestamp)) > HOUR) return error('timestamp expired');
    const sign = createHmac('sha256', secret).update(`${timestamp}\n${secret}`).digest('base64');
    if (!sameText(r.query.get('sign') ?? '', sign)) return error('sign not match');
    return { ok: true, body: '{"errcode":0,"errmsg":"ok"}' };
  };
}

// WeCom: the key in the URL is the only check.
export function weComVerifier(key: string): Verify {
  return (r) =>
    r.query.get('key') === key
      ? { ok: true, body: '{"errcode":0,"errmsg":"ok"}' }
      : { ok: false, body: '{"errcode":93000,"errmsg":"invalid webhook url"}', why: 'key' };
}

// Feishu: timestamp (s) within an hour in the body, sign = Base64(HmacSHA256 keyed with
// timestamp + "\n" + secret over nothing); code 19021 otherwise.
export function feishuVerifier(secret: string): Verify {
  const error = (why: string): Verdict => ({
    ok: false,
    body: JSON.stringify({
      code: 19021,
      data: {},
      msg: 'sign match fail or timestamp is not within one hour from current time',
    }),
    why,
  });
  return (r) => {
    const body = r.json as { timestamp?: string; sign?: string } | null;
    const timestamp = body?.timestamp ?? '';
    if (Math.abs(Date.now() / 1000 - Number(timestamp)) > HOUR / 1000) return error('timestamp expired');
    const sign = createHmac('sha256', `${timestamp}\n${secret}`).update('').digest('base64');
    if (!sameText(body?.sign ?? '', sign)) return error('sign not match');
    return { ok: true, body: '{"code":0,"data":{},"msg":"success"}' };
  };
}

// Slack: the hook path is the credential; a body without text is invalid_payload (HTTP 400).
export function slackVerifier(path: string): Verify {
  return (r) => {
    if (r.path !== path) return { ok: false, status: 404, body: 'no_service', why: 'path' };
    const body = r.json as { text?: unknown; blocks?: unknown } | null;
    if (typeof body?.text !== 'string' || !Array.isArray(body.blocks) || body.blocks.length > 50) {
      return { ok: false, status: 400, body: 'invalid_payload', why: 'payload' };
    }
    return { ok: true, body: 'ok' };
  };
}

const rule: AlertRuleDef = {
  id: 'high-priority-deviation',
  name: { en: 'High-priority KPI 5 % off its target', zh: '高优先级指标偏离阈值≥5%' },
  severity: 'warning',
  kpis: ['csat'],
  condition: {
    kind: 'deviation',
    fireAt: { kind: 'relative', value: 0.05 },
    resolveUnder: { kind: 'relative', value: 0.025 },
    minSample: 20,
  },
  forMs: 0,
  keepFiringForMs: 0,
  labels: { action: '纠偏计划' },
  source: 'seed 000',
};

// A CSAT deviation that fired for an agent (actual 0.76 against a 0.8 target), or resolved.
export function csatAlert(
  agent: string,
  kind: 'fired' | 'resolved' = 'fired',
  at = Date.UTC(2026, 11, 1, 9),
): AlertItem {
  const instance = {
    scorecard: 'cs-agent',
    rule: rule.id,
    kpi: 'csat',
    entity: { orgId: 'acme', level: 'agent' as const, id: agent },
    periodStart: Date.UTC(2026, 11, 1),
  };
  const change: AlertChange = {
    instance,
    rule,
    state: null,
    transition: {
      kind,
      key: `acme|cs-agent|${rule.id}|csat|agent|${agent}|${at}|${kind}`,
      firedAt: at,
      at,
      value: 0.05,
    },
  };
  return { change, kpiName: { en: 'Customer satisfaction', zh: '客户满意度' }, actual: 0.76, target: 0.8 };
}
