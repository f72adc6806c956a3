import { newSourceToken, parseSourceToken, secretMatches } from '#libs/access';
import type { ConnectorName } from '#libs/connectors';

// A source allowed to write events, as its credential proves: one org, one CloudEvents `source`, the
// event types it may send. A connector source is a vendor's webhook (docs/connectors.md): its `uri` is
// `<connector>/<id>`, its event types its mapping's, its credentials the vendor's signing secrets.
export interface Source {
  id: string;
  orgId: string;
  uri: string; // the `source` its events carry
  name: string;
  eventTypes: readonly string[];
  connector?: ConnectorName;
  settings?: ConnectorSettings;
}

export interface ConnectorSettings {
  currency?: string; // the vendor account's currency, for amounts a webhook gives without one
}

// What a source's webhooks came to, as GET /v1/sources lists them: counts by outcome, the last delivery
// and the last error.
export const WEBHOOK_OUTCOMES = ['accepted', 'duplicate', 'rejected', 'ignored', 'refused'] as const;
export type WebhookOutcomeName = (typeof WEBHOOK_OUTCOMES)[number];

export interface WebhookStats {
  outcomes: Partial<Record<WebhookOutcomeName, number>>;
  lastDeliveryAt: string | null;
  lastError: string | null;
  lastErrorAt: string | null;
}

export interface SourceCredential {
  id: string;
  createdAt: string;
  createdBy: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export const ACTIVE_CREDENTIALS = 2; // two at a time: the next one is made before the last is revoked

// Where sources and their credentials are kept (libs/postgres SourcesRepository).
export interface SourceStore {
  credential(credentialId: string): Promise<{ source: Source; secretHash: string; revoked: boolean } | undefined>;
  // a token's hash, or a connector's signing secret (sealed at rest: verifying needs it, nothing returns it)
  addCredential(
    sourceId: string,
    credential: { id: string; createdBy: string } & ({ secretHash: string } | { signingSecret: string }),
    limit: number,
  ): Promise<'added' | 'limit' | 'no-source'>;
  // a connector source and the signing secrets of its active credentials
  connectorSource(id: string): Promise<{ source: Source; secrets: string[] } | undefined>;
  // a webhook's outcome counted on its source; `error` becomes the last error
  recordWebhook(sourceId: string, counts: Partial<Record<WebhookOutcomeName, number>>, error?: string): Promise<void>;
}

// The source a token writes as, or undefined: not a token, unknown, revoked, or the wrong secret (the
// caller answers all four alike, so a guess learns nothing).
export async function authenticateSource(token: string | undefined, store: SourceStore): Promise<Source | undefined> {
  const parsed = parseSourceToken(token);
  if (parsed === undefined) return undefined;
  const found = await store.credential(parsed.credentialId);
  if (found === undefined || found.revoked || !secretMatches(parsed.secret, found.secretHash)) return undefined;
  return found.source;
}

// A connector source's next signing secret (the vendor's, as the admin pasted it). Refused while two are active.
export async function addSigningSecret(
  store: SourceStore,
  sourceId: string,
  signingSecret: string,
  createdBy: string,
): Promise<{ ok: true; id: string } | { ok: false; reason: 'limit' | 'no-source' }> {
  const id = newSourceToken().credentialId;
  const added = await store.addCredential(sourceId, { id, signingSecret, createdBy }, ACTIVE_CREDENTIALS);
  return added === 'added' ? { ok: true, id } : { ok: false, reason: added };
}

// A new credential for a source; the token is in the answer only. Refused while two are active.
export async function issueCredential(
  store: SourceStore,
  sourceId: string,
  createdBy: string,
): Promise<{ ok: true; id: string; token: string } | { ok: false; reason: 'limit' | 'no-source' }> {
  const made = newSourceToken();
  const added = await store.addCredential(
    sourceId,
    { id: made.credentialId, secretHash: made.secretHash, createdBy },
    ACTIVE_CREDENTIALS,
  );
  return added === 'added' ? { ok: true, id: made.credentialId, token: made.token } : { ok: false, reason: added };
}
