import {
  CONNECTORS,
  type Connector,
  type ConnectorName,
  type Delivery,
  type Mapped,
  type MappingContext,
  type VerificationRefusal,
  type WebhookRequest,
} from '#libs/connectors';
import { orgSettingsFor, type DefinitionSet } from '#libs/definitions';
import { storableText, type CanonicalEvent } from '#libs/events';
import type { IngestOutcome, Rejection } from './ingest';
import type { Source, SourceStore, WebhookOutcomeName } from './sources';

// A verified webhook as kept (append-only): the body and headers less their secrets.
export interface WebhookPayload extends Delivery {
  id: number;
  sourceId: string;
  headers: Record<string, string>;
  records: string[];
}

// Where webhooks are kept (libs/postgres WebhookPayloadsRepository).
export interface WebhookPayloadStore {
  append(payload: Omit<WebhookPayload, 'id'>): Promise<WebhookPayload>;
  // the source's payloads before `beforeId` about any of the records, oldest first
  earlier(sourceId: string, records: readonly string[], beforeId: number): Promise<Delivery[]>;
  // the source's payloads received at or after `since`, after `afterId`, oldest first, at most `limit`
  since(sourceId: string, since: Date, afterId: number, limit: number): Promise<WebhookPayload[]>;
}

// The ingest path every event takes (checks, the log, dead letters, metrics), for one source's events.
export type IngestPath = (
  events: readonly CanonicalEvent[],
  source: Source,
  refused: readonly Rejection[],
) => Promise<IngestOutcome[]>;

export interface WebhookDeps {
  sources: SourceStore;
  payloads: WebhookPayloadStore;
  definitions: DefinitionSet;
  ingest: IngestPath;
  now: () => number;
}

export type WebhookRefusal = VerificationRefusal | 'unknown_source';

// What a webhook came to: refused (401, nothing kept), or kept and mapped, each item with its outcome.
export type WebhookResult =
  | { status: 'refused'; refusal: WebhookRefusal }
  | {
      status: 'received';
      payloadId: number;
      counts: Record<WebhookOutcomeName, number>;
      results: IngestOutcome[];
      ignored: string[];
    };

// Credentials and cookies never go into the kept headers.
const SECRET_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'x-api-key']);

// One webhook: the source named in the URL, of this connector; the vendor's signature by one of its
// active secrets; the payload kept; its items mapped and taken by the ingest path; the outcome counted.
export async function receiveWebhook(
  connector: ConnectorName,
  sourceId: string,
  request: WebhookRequest & { contentType: string },
  deps: WebhookDeps,
): Promise<WebhookResult> {
  const found = await deps.sources.connectorSource(sourceId);
  // a source of another connector is answered like a missing one
  if (found?.source.connector !== connector) return { status: 'refused', refusal: 'unknown_source' };
  const vendor = CONNECTORS[connector];
  const now = deps.now();
  const verified = vendor.verify(request, found.secrets, now);
  if (!verified.ok) {
    await deps.sources.recordWebhook(sourceId, { refused: 1 }, `refused: ${verified.refusal}`);
    return { status: 'refused', refusal: verified.refusal };
  }
  // kept as it came, less its secrets; what Postgres cannot store (a NUL) written as its JSON escape
  const delivery: Delivery = {
    body: storableText(vendor.redact(request.body)),
    contentType: request.contentType,
    receivedAt: now,
  };
  const headers = Object.fromEntries(
    Object.entries(request.headers).flatMap(([name, value]) =>
      value === undefined || SECRET_HEADERS.has(name) ? [] : [[name, storableText(value)]],
    ),
  );
  const payload = await deps.payloads.append({
    ...delivery,
    sourceId,
    headers,
    records: vendor.recordsOf(delivery).map(storableText),
  });
  const result = await mapPayload(payload, found.source, deps);
  await deps.sources.recordWebhook(sourceId, result.counts, firstProblem(result.results));
  return { status: 'received', payloadId: payload.id, ...result };
}

// A payload no mapping foresaw must not fail the webhook (a 5xx the vendor would retry forever): a mapping
// that throws on it makes it a dead letter naming the error, kept for a replay once the mapping is fixed.
function mapSafely(vendor: Connector, delivery: Delivery, context: MappingContext): Mapped[] {
  try {
    return vendor.map(delivery, context);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return [
      {
        kind: 'unmappable',
        code: 'malformed_payload',
        field: 'body',
        reason: `body: the ${vendor.vendor} mapping cannot read it (${message})`,
      },
    ];
  }
}

// A kept payload mapped again and taken by the ingest path: the idempotency keys make a replay count
// each event once, whatever was taken before.
export async function mapPayload(
  payload: WebhookPayload,
  source: Source,
  deps: Pick<WebhookDeps, 'payloads' | 'definitions' | 'ingest'>,
): Promise<{ counts: Record<WebhookOutcomeName, number>; results: IngestOutcome[]; ignored: string[] }> {
  if (source.connector === undefined) throw new Error(`source ${source.id} is not a connector`);
  const vendor = CONNECTORS[source.connector];
  // a redelivery of this very webhook is not its own history
  const earlier =
    payload.records.length === 0
      ? []
      : (await deps.payloads.earlier(source.id, payload.records, payload.id)).filter((d) => d.body !== payload.body);
  const mapped = mapSafely(vendor, payload, {
    orgId: source.orgId,
    source: source.uri,
    timeZone: orgSettingsFor(deps.definitions.orgs, source.orgId)?.timeZone ?? 'UTC',
    currency: source.settings?.currency,
    earlier,
  });
  const events = mapped.flatMap((m) => (m.kind === 'event' ? [m.event] : []));
  const ignored = mapped.flatMap((m) => (m.kind === 'ignored' ? [m.reason] : []));
  const refused: Rejection[] = mapped.flatMap((m) =>
    m.kind === 'unmappable'
      ? [
          {
            source: source.uri,
            field: m.field,
            code: m.code,
            reason: m.reason,
            payload: payload.body,
            ...(m.id === undefined ? {} : { eventId: m.id }),
          },
        ]
      : [],
  );
  const results = await deps.ingest(events, source, refused);
  const count = (status: IngestOutcome['status']) => results.filter((r) => r.status === status).length;
  return {
    counts: {
      accepted: count('accepted'),
      duplicate: count('duplicate'),
      rejected: count('rejected') + refused.length,
      ignored: ignored.length,
      refused: 0,
    },
    results: [
      ...results,
      ...refused.map((r, i): IngestOutcome => ({
        index: results.length + i,
        status: 'rejected',
        field: r.field,
        code: r.code as IngestOutcome['code'],
        reason: r.reason,
        ...(r.eventId === undefined ? {} : { id: r.eventId }),
      })),
    ],
    ignored,
  };
}

const firstProblem = (results: readonly IngestOutcome[]): string | undefined => {
  const bad = results.find((r) => r.status === 'rejected');
  return bad === undefined ? undefined : `${bad.code ?? 'rejected'}: ${bad.reason ?? ''}`;
};

// Every payload of a source kept since a moment, mapped again in the order received (after a mapping
// fix): counts by outcome. Pages of `pageSize` so a long history is never held at once.
export async function replayWebhooks(
  source: Source,
  since: Date,
  deps: Pick<WebhookDeps, 'payloads' | 'definitions' | 'ingest'>,
  pageSize = 500,
): Promise<{ payloads: number; counts: Record<WebhookOutcomeName, number> }> {
  const counts: Record<WebhookOutcomeName, number> = { accepted: 0, duplicate: 0, rejected: 0, ignored: 0, refused: 0 };
  let after = 0;
  let payloads = 0;
  for (;;) {
    const page = await deps.payloads.since(source.id, since, after, pageSize);
    for (const payload of page) {
      const result = await mapPayload(payload, source, deps);
      for (const name of Object.keys(counts) as WebhookOutcomeName[]) counts[name] += result.counts[name];
      after = payload.id;
      payloads++;
    }
    if (page.length < pageSize) return { payloads, counts };
  }
}
