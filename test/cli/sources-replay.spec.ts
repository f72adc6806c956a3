import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_URL, migratedTestDatabase, type TestDatabase } from '../support/postgres';
import { schemaUrl, startAll, type ServiceProcess } from '../support/service-process';
import { AUTH_ENV, bearer, tokenFor } from '../support/tokens';
import { runCli } from './run-cli';

const SECRET = 'hubspot-client-secret-cli';

// A HubSpot webhook batch as HubSpot documents it (an array of events), about deal 42: created a day
// ago, its amount, then closed won; no deal_currency_code (a portal with one currency).
const wonWithoutCurrency = (at: number) =>
  JSON.stringify([
    {
      eventId: 11,
      subscriptionId: 7,
      portalId: 62515,
      occurredAt: at - 86_400_000,
      subscriptionType: 'deal.creation',
      objectId: 42,
    },
    {
      eventId: 12,
      subscriptionId: 8,
      portalId: 62515,
      occurredAt: at,
      subscriptionType: 'deal.propertyChange',
      objectId: 42,
      propertyName: 'amount',
      propertyValue: '9000',
    },
    {
      eventId: 13,
      subscriptionId: 8,
      portalId: 62515,
      occurredAt: at,
      subscriptionType: 'deal.propertyChange',
      objectId: 42,
      propertyName: 'dealstage',
      propertyValue: 'closedwon',
    },
  ]);

// `kpi-pulse sources replay` against a running `kpi-pulse up`: a won deal dead-lettered for its currency
// is taken once the source's currency is set and the kept webhook replayed; replaying again counts nothing
// twice.
describe('kpi-pulse sources replay', () => {
  let t: TestDatabase;
  let up: ServiceProcess | undefined;
  let base = '';
  let admin: Record<string, string>;
  let env: Record<string, string>;
  beforeAll(async () => {
    t = await migratedTestDatabase();
    env = { ...AUTH_ENV, DATABASE_URL: schemaUrl(DATABASE_URL, t.schema), LOG_LEVEL: 'warn' };
    up = await startAll(env);
    base = up.url;
    admin = bearer(await tokenFor({ role: 'admin', org: 'O1' }, 'admin@O1'));
  }, 120_000);
  afterAll(async () => {
    up?.child.kill('SIGTERM');
    await up?.exited;
    await t.drop();
  }, 60_000);

  const api = (method: string, path: string, body?: unknown) =>
    fetch(`${base}${path}`, {
      method,
      headers: { ...admin, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  const won = async (source: string) =>
    Number(
      (
        await t.db.query<{ n: string }[]>(
          `SELECT count(*) AS n FROM event_log WHERE event ->> 'source' = $1 AND event ->> 'type' = 'crm.deal.won'`,
          [source],
        )
      )[0]?.n,
    );

  it('re-maps the kept webhooks after a mapping change; the idempotency keys make them count once', async () => {
    const created = (await (
      await api('POST', '/v1/sources', { connector: 'hubspot', name: 'HubSpot', secret: SECRET })
    ).json()) as {
      source: { id: string; uri: string };
      url: string;
    };
    const batch = wonWithoutCurrency(Date.now() - 60_000);
    const timestamp = String(Date.now());
    const first = await fetch(created.url.replace(/^https?:\/\/[^/]+/, base), {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-hubspot-request-timestamp': timestamp,
        // signed over the URL HubSpot was given (KPI_PULSE_PUBLIC_URL + the path)
        'x-hubspot-signature-v3': createHmac('sha256', SECRET)
          .update(`POST${created.url}${batch}${timestamp}`)
          .digest('base64'),
      },
      body: batch,
    });
    expect(await first.json()).toMatchObject({ accepted: 1, rejected: 1, ignored: 1 });
    expect(await won(created.source.uri)).toBe(0);

    expect((await api('PATCH', `/v1/sources/${created.source.id}`, { settings: { currency: 'USD' } })).status).toBe(
      200,
    );
    const replay = () =>
      runCli(['sources', 'replay', created.source.id, '--since', '1h', '--url', base], undefined, env);
    const once = replay();
    expect([once.status, once.stderr]).toEqual([0, '']);
    expect(once.stdout).toMatch(
      /^1 webhooks since \S+ mapped again: 1 accepted, 1 duplicate, 0 rejected, 1 ignored\n$/,
    );
    expect(await won(created.source.uri)).toBe(1);

    const twice = replay();
    expect(twice.stdout).toMatch(/mapped again: 0 accepted, 2 duplicate, 0 rejected, 1 ignored\n$/);
    expect(await won(created.source.uri)).toBe(1);

    // the source's counts are its deliveries' (a replay is answered, not counted again)
    const listed = runCli(['sources', 'list', '--url', base], undefined, env);
    expect(listed.stdout).toContain(
      `${created.source.id}  ${created.source.uri}  HubSpot  accepted 1, duplicate 0, rejected 1, ignored 1, refused 0`,
    );
  });

  it('refuses a --since it cannot read, and a source of another org, by name', () => {
    const bad = runCli(['sources', 'replay', 'src_x', '--since', 'yesterday', '--url', base], undefined, env);
    expect([bad.status, bad.stderr]).toEqual([
      2,
      expect.stringContaining('--since: expected a time such as') as string,
    ]);
    const other = runCli(['sources', 'replay', 'src_000000000000', '--since', '1h', '--url', base], undefined, env);
    expect([other.status, other.stderr]).toEqual([2, expect.stringContaining('answered 404') as string]);
  });
});
