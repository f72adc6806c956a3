import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlertSubscriptionsRepository, SecretBox, type SubscriptionFields } from '#libs/postgres';
import { migratedTestDatabase, type TestDatabase } from '../support/postgres';
import { testSecretBox } from '../support/sources';

const DINGTALK = 'https://oapi.dingtalk.com/robot/send?access_token=0123456789abcdef';
const fields = (channel: SubscriptionFields['channel']): SubscriptionFields => ({
  matchers: {},
  channel,
  language: 'zh',
  groupBy: ['team'],
  groupWaitMs: 0,
  groupIntervalMs: 300_000,
  repeatIntervalMs: 14_400_000,
  quietHours: null,
});
const admin = { subject: 'admin@O1', role: 'admin', orgId: 'O1', teams: [], agentId: null } as const;

describe('alert channels sealed at rest (real Postgres)', () => {
  let t: TestDatabase;
  let subscriptions: AlertSubscriptionsRepository;
  beforeAll(async () => {
    t = await migratedTestDatabase();
    subscriptions = new AlertSubscriptionsRepository(t.db, testSecretBox());
  });
  afterAll(async () => t.drop());

  const storedChannels = async () =>
    (
      await t.db.query<{ id: string; channel: unknown }[]>(`SELECT id::text AS id, channel FROM alert_subscriptions`)
    ).map((r) => [r.id, JSON.stringify(r.channel)] as const);

  it("keeps a channel's URL token and signing secret only sealed, and reads them back whole", async () => {
    const made = await subscriptions.create('O1', admin, fields({ kind: 'dingtalk', url: DINGTALK, secret: 'SECxyz' }));
    const updated = await subscriptions.update(
      'O1',
      made.id,
      fields({ kind: 'webhook', url: 'https://hooks.example/k/s3cr3t-path', secret: 'whsec_1' }),
    );
    expect(updated?.channel).toEqual({
      kind: 'webhook',
      url: 'https://hooks.example/k/s3cr3t-path',
      secret: 'whsec_1',
    });
    expect((await subscriptions.get('O1', made.id))?.channel).toEqual(updated?.channel);
    for (const [, text] of await storedChannels()) {
      expect(text).toMatch(/^\{"kind":"webhook","sealed":"v1\./);
      for (const secret of ['s3cr3t-path', 'whsec_1', 'access_token', 'SECxyz']) expect(text).not.toContain(secret);
    }
    // sealed for its org: the same text on another org's row does not open
    const other = await subscriptions.create('O2', admin, fields({ kind: 'slack', url: 'https://hooks.slack.com/x' }));
    await t.db.query(
      `UPDATE alert_subscriptions SET channel = (SELECT channel FROM alert_subscriptions WHERE id = $1) WHERE id = $2`,
      [made.id, other.id],
    );
    await expect(subscriptions.get('O2', other.id)).rejects.toThrow(/KPI_SECRETS_KEY does not open its channel/);
    await t.db.query(`DELETE FROM alert_subscriptions WHERE id = $1`, [other.id]);
  });

  it('a start seals what an older release kept in clear; another key opens none and is named', async () => {
    const [legacy] = await t.db.query<{ id: string }[]>(
      `INSERT INTO alert_subscriptions (org_id, owner, matchers, channel, language, group_by, group_wait_ms,
         group_interval_ms, repeat_interval_ms)
       VALUES ('O1', $1, '{}', $2, 'en', '{team}', 0, 300000, 14400000) RETURNING id::text AS id`,
      [admin, { kind: 'dingtalk', url: DINGTALK, secret: null }],
    );
    expect(await subscriptions.sealClearChannels()).toEqual({ sealed: 1, unopenable: [] });
    expect((await storedChannels()).find(([id]) => id === legacy?.id)?.[1]).not.toContain('access_token');
    expect((await subscriptions.get('O1', legacy?.id as string))?.channel).toEqual({
      kind: 'dingtalk',
      url: DINGTALK,
      secret: null,
    });
    expect(await subscriptions.sealClearChannels()).toEqual({ sealed: 0, unopenable: [] }); // once
    const otherKey = new AlertSubscriptionsRepository(t.db, new SecretBox(Buffer.alloc(32, 1)));
    expect((await otherKey.sealClearChannels()).unopenable).toHaveLength(2);
  });
});
