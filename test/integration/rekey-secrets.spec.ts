import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AlertSubscriptionsRepository,
  rekeySecrets,
  RekeyRefused,
  SecretBox,
  SourcesRepository,
  type SubscriptionFields,
} from '#libs/postgres';
import { migratedTestDatabase, type TestDatabase } from '../support/postgres';

const OLD = new SecretBox(Buffer.alloc(32, 7));
const NEW = new SecretBox(Buffer.alloc(32, 9));
const LOST = new SecretBox(Buffer.alloc(32, 3));
const admin = { subject: 'admin@O1', role: 'admin', orgId: 'O1', teams: [], agentId: null } as const;
const slack = (url: string): SubscriptionFields => ({
  matchers: {},
  channel: { kind: 'slack', url },
  language: 'en',
  groupBy: ['team'],
  groupWaitMs: 0,
  groupIntervalMs: 300_000,
  repeatIntervalMs: 14_400_000,
  quietHours: null,
});

// `kpi-pulse secrets rekey`: every sealed connector secret and alert channel from one KPI_SECRETS_KEY to
// another, all or nothing, on real Postgres.
describe('re-keying the secrets sealed at rest (real Postgres)', () => {
  let t: TestDatabase;
  const sourcesUnder = (box: SecretBox) => new SourcesRepository(t.db, box);
  const subscriptionsUnder = (box: SecretBox) => new AlertSubscriptionsRepository(t.db, box);
  const sealedTexts = async () =>
    JSON.stringify([
      await t.db.query(`SELECT id, sealed_secret FROM source_credentials ORDER BY id`),
      await t.db.query(`SELECT id, channel FROM alert_subscriptions ORDER BY id`),
    ]);

  beforeAll(async () => {
    t = await migratedTestDatabase();
    const sources = sourcesUnder(OLD);
    for (const [id, connector] of [
      ['src_stripe1', 'stripe'],
      ['src_hubspot1', 'hubspot'],
    ] as const) {
      await sources.create({
        id,
        orgId: 'O1',
        uri: `finance/${id}`,
        name: id,
        eventTypes: ['invoice.paid'],
        createdBy: 'admin@O1',
        connector,
      });
    }
    await sources.addCredential('src_stripe1', { id: 'cred_a', createdBy: 'admin@O1', signingSecret: 'whsec_a' }, 5);
    await sources.addCredential('src_hubspot1', { id: 'cred_b', createdBy: 'admin@O1', signingSecret: 'hs_b' }, 5);
    // a revoked credential sealed under a key nobody has any more: it verifies nothing, so it may stay
    await sourcesUnder(LOST).addCredential(
      'src_hubspot1',
      { id: 'cred_gone', createdBy: 'admin@O1', signingSecret: 'hs_gone' },
      5,
    );
    await sources.revoke('src_hubspot1', 'cred_gone');
    await subscriptionsUnder(OLD).create('O1', admin, slack('https://hooks.slack.com/services/T0/B0/secret1'));
  });
  afterAll(async () => t.drop());

  it('seals every secret and channel again under the new key, which then opens them; the old key none', async () => {
    expect(await rekeySecrets(t.db, OLD, NEW)).toEqual({
      secrets: 2,
      channels: 1,
      alreadyNew: 0,
      revokedLeft: ['cred_gone'],
    });
    expect((await sourcesUnder(NEW).connectorSource('src_stripe1'))?.secrets).toEqual(['whsec_a']);
    expect((await sourcesUnder(NEW).connectorSource('src_hubspot1'))?.secrets).toEqual(['hs_b']);
    expect(await sourcesUnder(NEW).sealClearSecrets()).toEqual({ sealed: 0, unopenable: [] });
    expect(await subscriptionsUnder(NEW).sealClearChannels()).toEqual({ sealed: 0, unopenable: [] });
    const [subscription] = await subscriptionsUnder(NEW).list('O1');
    expect(subscription?.channel).toEqual({ kind: 'slack', url: 'https://hooks.slack.com/services/T0/B0/secret1' });
    expect((await sourcesUnder(OLD).sealClearSecrets()).unopenable).toEqual(['cred_a', 'cred_b']);
    expect((await subscriptionsUnder(OLD).sealClearChannels()).unopenable).toHaveLength(1);
  });

  it('run again (after a crash, say), it counts what the new key already opens and changes nothing', async () => {
    const before = await sealedTexts();
    expect(await rekeySecrets(t.db, OLD, NEW)).toEqual({
      secrets: 0,
      channels: 0,
      alreadyNew: 3,
      revokedLeft: ['cred_gone'],
    });
    expect(await sealedTexts()).toBe(before);
  });

  it('an active row neither key opens stops it, named, and nothing changes', async () => {
    await sourcesUnder(LOST).addCredential(
      'src_stripe1',
      { id: 'cred_lost', createdBy: 'admin@O1', signingSecret: 'whsec_lost' },
      5,
    );
    const before = await sealedTexts();
    // from NEW to OLD: every row opens but cred_lost
    const refused = await rekeySecrets(t.db, NEW, OLD).catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(RekeyRefused);
    expect((refused as RekeyRefused).credentials).toEqual(['cred_lost']);
    expect((refused as RekeyRefused).message).toBe('neither key opens source credential(s) cred_lost');
    expect(await sealedTexts()).toBe(before);
  });
});
