import type { Delivery, Mapped, MappingContext, WebhookRequest } from './connector';

// For the connectors' specs: a request, a delivery, a context and the events of a mapping.
export const NOW = Date.parse('2026-12-01T10:00:00Z');

export const request = (fields: Partial<WebhookRequest> & { body: string }): WebhookRequest => ({
  method: 'POST',
  url: 'https://kpi.example.com/v1/sources/test/src_000000000001',
  headers: {},
  ...fields,
});

export const delivery = (body: string, receivedAt = NOW, contentType = 'application/json'): Delivery => ({
  body,
  contentType,
  receivedAt,
});

export const context = (fields: Partial<MappingContext> = {}): MappingContext => ({
  orgId: 'O1',
  source: 'test/src_000000000001',
  timeZone: 'Asia/Shanghai',
  earlier: [],
  ...fields,
});

export const eventsOf = (mapped: readonly Mapped[]) => mapped.flatMap((m) => (m.kind === 'event' ? [m.event] : []));
