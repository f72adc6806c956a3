import { newSourceToken, parseSourceToken, secretMatches } from '#libs/access';

// A source allowed to write events, as its credential proves: one org, one CloudEvents `source`, the
// event types it may send.
export interface Source {
  id: string;
  orgId: string;
  uri: string; // the `source` its events carry
  name: string;
  eventTypes: readonly string[];
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
  addCredential(
    sourceId: string,
    credential: { id: string; secretHash: string; createdBy: string },
    limit: number,
  ): Promise<'added' | 'limit' | 'no-source'>;
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
