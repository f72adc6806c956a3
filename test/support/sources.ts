import type { DataSource } from 'typeorm';
import type { CanonicalEvent } from '#libs/events';
import { EVENT_TYPES } from '#libs/events';
import { issueCredential } from '#libs/pipeline';
import { SecretBox, SourcesRepository } from '#libs/postgres';
import { TEST_SECRETS_KEY } from './tokens';

// What the test app seals secrets with (connectors' signing secrets, alert subscriptions' channels).
export const testSecretBox = (): SecretBox => new SecretBox(Buffer.from(TEST_SECRETS_KEY, 'hex'));

// The sources repository as the test app builds it: signing secrets sealed with the tests' key.
export const testSources = (db: DataSource): SourcesRepository => new SourcesRepository(db, testSecretBox());

// Registers a source of the org that may send every event type of the contract; resolves with a
// write token for it (as POST /v1/sources would answer).
export async function sourceToken(db: DataSource, uri: string, orgId = 'O1'): Promise<string> {
  const sources = testSources(db);
  const source =
    (await sources.create({ uri, orgId, name: uri, eventTypes: [...EVENT_TYPES], createdBy: 'test' })) ??
    (await sources.byUri(uri));
  if (source === undefined) throw new Error(`source ${uri} could not be registered`);
  const issued = await issueCredential(sources, source.id, 'test');
  if (!issued.ok) throw new Error(`no credential for ${uri}: ${issued.reason}`);
  return issued.token;
}

// The headers of a POST of events as the source that token proves.
export const asSource = (token: string, type = 'application/json'): Record<string, string> => ({
  'content-type': type,
  authorization: `Bearer ${token}`,
});

// Simulated streams of several orgs share the simulator's source names; each org's systems are its own
// sources, so they are told apart the CloudEvents way: a `source` of their own.
export function ownSources(events: readonly CanonicalEvent[]): CanonicalEvent[] {
  return events.map((e) => ({ ...e, source: `${e.source}/${e.data.orgId}` }));
}

// Posts events to ingest, each source's with its own token (registered on first use); resolves with the
// answers, in order.
export async function postAsSources(
  db: DataSource,
  url: string,
  events: readonly CanonicalEvent[],
  tokens: Map<string, string>,
): Promise<Response[]> {
  const bySource = new Map<string, CanonicalEvent[]>();
  for (const e of events) bySource.set(e.source, [...(bySource.get(e.source) ?? []), e]);
  const answers: Response[] = [];
  for (const [uri, own] of bySource) {
    let token = tokens.get(uri);
    if (token === undefined) tokens.set(uri, (token = await sourceToken(db, uri, own[0]?.data.orgId)));
    answers.push(
      await fetch(`${url}/v1/events`, { method: 'POST', headers: asSource(token), body: JSON.stringify(own) }),
    );
  }
  return answers;
}
