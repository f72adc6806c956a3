import { createHmac } from 'node:crypto';
import type { HttpRequest, JsonObject } from './channel';
import { fitLines, utf8Bytes, type Notification } from './notification';

// Our own generic webhook, documented for receivers in docs/alerts.md ("Generic webhook"): a JSON body,
// signed like Stripe's and Slack's request signing: HMAC-SHA256 with the subscription's secret over
// `${timestamp}.${body}` (the exact bytes sent), hex, in X-KPI-Pulse-Signature as `v1=<hex>`.
export const WEBHOOK_HEADERS = {
  timestamp: 'x-kpi-pulse-timestamp', // unix seconds
  signature: 'x-kpi-pulse-signature',
  idempotencyKey: 'idempotency-key',
} as const;

// Our budget, well under what common receivers accept (many cap bodies at 1 MB).
export const WEBHOOK_MAX_BYTES = 256 * 1024;

function payloadOf(n: Notification, kept: number, more: number): JsonObject {
  return {
    version: 1,
    key: n.key,
    language: n.language,
    title: n.title,
    severity: n.severity,
    alerts: n.lines.slice(0, kept).map((l) => ({
      key: l.key,
      status: l.transition,
      at: new Date(l.at).toISOString(),
      rule: { id: l.rule, name: l.ruleName, severity: l.severity, labels: { ...l.labels } },
      scorecard: l.scorecard,
      kpi: { id: l.kpi, name: l.kpiName },
      entity: { orgId: l.entity.orgId, level: l.entity.level, id: l.entity.id },
      actual: l.actual,
      target: l.target,
      value: l.value !== null && Number.isFinite(l.value) ? l.value : null,
      link: l.link,
    })),
    more,
  };
}

export function renderWebhook(n: Notification): JsonObject {
  const kept = fitLines(
    n.lines.length,
    (k, more) => utf8Bytes(JSON.stringify(payloadOf(n, k, more))) <= WEBHOOK_MAX_BYTES,
  );
  return payloadOf(n, kept, n.lines.length - kept);
}

export function webhookSignature(secret: string, timestamp: string, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex')}`;
}

export function signWebhook(url: string, secret: string, key: string, payload: JsonObject, now: number): HttpRequest {
  const body = JSON.stringify(payload);
  const timestamp = String(Math.floor(now / 1000));
  return {
    url,
    headers: {
      'content-type': 'application/json; charset=utf-8',
      [WEBHOOK_HEADERS.timestamp]: timestamp,
      [WEBHOOK_HEADERS.signature]: webhookSignature(secret, timestamp, body),
      [WEBHOOK_HEADERS.idempotencyKey]: key,
    },
    body,
  };
}
