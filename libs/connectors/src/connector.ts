import type { CanonicalEvent, EventType } from '#libs/events';

// The vendors whose webhooks KPI Pulse takes (docs/connectors.md, one section each).
export const CONNECTOR_NAMES = [
  'stripe',
  'hubspot',
  'salesforce',
  'pipedrive',
  'zendesk',
  'freshdesk',
  'aircall',
  'twilio',
] as const;
export type ConnectorName = (typeof CONNECTOR_NAMES)[number];

export function isConnectorName(value: string): value is ConnectorName {
  return (CONNECTOR_NAMES as readonly string[]).includes(value);
}

// A webhook as it arrived: what the vendor signed is some of these.
export interface WebhookRequest {
  method: string;
  url: string; // the URL the vendor called, scheme, host, path and query, as the vendor saw it
  headers: Readonly<Record<string, string | undefined>>; // names in lower case
  body: string; // the raw body, UTF-8
}

// Why a webhook is refused. The answer names the reason, never a secret or what the signature should be.
export type VerificationRefusal =
  | 'missing_signature' // no signature, token or credentials where the vendor sends them
  | 'malformed_signature' // one that cannot be read
  | 'stale_timestamp' // signed too long ago (or ahead): a replay
  | 'bad_signature'; // signed with none of the source's secrets, or a body changed on the way

export type Verification = { ok: true } | { ok: false; refusal: VerificationRefusal };

// A verified webhook as the source keeps it (append-only), and as a replay reads it again.
export interface Delivery {
  body: string; // secrets the vendor puts in the body (Aircall's token) replaced by the connector's redact
  contentType: string;
  receivedAt: number; // epoch ms
}

export interface MappingContext {
  orgId: string; // the source's org: events claim no other
  source: string; // the canonical `source` of the events: `<connector>/<source id>`
  timeZone: string; // the org's, for dates without time (an invoice's due date)
  currency?: string; // the vendor account's own currency, for amounts the webhook gives without one
  // earlier deliveries of this source about the same records (recordsOf), oldest first: where a field
  // the KPI needs is not in this webhook, the history may have it (a deal's amount, a ticket's contacts)
  earlier: readonly Delivery[];
}

// What one item of a webhook becomes: a canonical event for ingest (which checks it like any other);
// nothing, acknowledged and counted (no KPI meaning); or a dead letter naming what is missing or wrong.
export type Mapped =
  | { kind: 'event'; event: CanonicalEvent }
  | { kind: 'ignored'; reason: string }
  | { kind: 'unmappable'; code: MappingProblem; field: string; reason: string; id?: string };

// missing_field: the KPI needs a field neither the webhook nor the source's history holds;
// malformed_payload: not the vendor's documented shape.
export type MappingProblem = 'missing_field' | 'malformed_payload';

export interface Connector {
  name: ConnectorName;
  vendor: string; // as people name it
  eventTypes: readonly EventType[]; // what its mapping may produce: the source's allowed types
  verify(request: WebhookRequest, secrets: readonly string[], now: number): Verification;
  // the body as kept: secrets the vendor sends inside it removed
  redact(body: string): string;
  // the records a delivery is about (`deal:42`), so a later delivery finds its history
  recordsOf(delivery: Delivery): string[];
  map(delivery: Delivery, context: MappingContext): Mapped[];
}
