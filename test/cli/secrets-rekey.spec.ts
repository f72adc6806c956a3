import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SecretBox, SourcesRepository } from '#libs/postgres';
import { DATABASE_URL, migratedTestDatabase, type TestDatabase } from '../support/postgres';
import { schemaUrl } from '../support/service-process';
import { runCli } from './run-cli';

const OLD_KEY = Buffer.alloc(32, 5);
const NEW_KEY = Buffer.alloc(32, 6);

// `kpi-pulse secrets rekey` as an operator runs it, against a real Postgres.
describe('kpi-pulse secrets rekey', () => {
  let t: TestDatabase;
  let dir: string;
  let env: Record<string, string>;
  beforeAll(async () => {
    t = await migratedTestDatabase();
    dir = mkdtempSync(join(tmpdir(), 'kpi-rekey-'));
    env = { DATABASE_URL: schemaUrl(DATABASE_URL, t.schema), KPI_PULSE_DATA_DIR: dir, KPI_SECRETS_KEY_OLD: '' };
    const sources = new SourcesRepository(t.db, new SecretBox(OLD_KEY));
    await sources.create({
      id: 'src_stripe1',
      orgId: 'O1',
      uri: 'finance/stripe-1',
      name: 'Stripe',
      eventTypes: ['invoice.paid'],
      createdBy: 'admin@O1',
      connector: 'stripe',
    });
    await sources.addCredential('src_stripe1', { id: 'cred_1', createdBy: 'admin@O1', signingSecret: 'whsec_1' }, 5);
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await t.drop();
  });

  it('refuses without a new key, with the same key twice, or with a malformed one, naming it', () => {
    const noNew = runCli(['secrets', 'rekey'], undefined, { ...env, KPI_SECRETS_KEY: '' });
    expect(noNew.status).toBe(2);
    expect(noNew.stderr).toContain('KPI_SECRETS_KEY: set it to the new key');
    const same = runCli(['secrets', 'rekey'], undefined, {
      ...env,
      KPI_SECRETS_KEY: NEW_KEY.toString('hex'),
      KPI_SECRETS_KEY_OLD: NEW_KEY.toString('base64'),
    });
    expect(same.status).toBe(2);
    expect(same.stderr).toContain('the old key (KPI_SECRETS_KEY_OLD) is KPI_SECRETS_KEY already');
    const malformed = runCli(['secrets', 'rekey'], undefined, {
      ...env,
      KPI_SECRETS_KEY: NEW_KEY.toString('hex'),
      KPI_SECRETS_KEY_OLD: 'abc',
    });
    expect(malformed.status).toBe(2);
    expect(malformed.stderr).toContain('KPI_SECRETS_KEY_OLD: expected 32 random bytes');
  });

  it('a wrong old key changes nothing and says so; the right one (from a file) re-seals, once', async () => {
    const wrong = runCli(['secrets', 'rekey'], undefined, {
      ...env,
      KPI_SECRETS_KEY: NEW_KEY.toString('hex'),
      KPI_SECRETS_KEY_OLD: Buffer.alloc(32, 1).toString('hex'),
    });
    expect(wrong.status).toBe(2);
    expect(wrong.stderr).toContain('neither key opens source credential(s) cred_1: nothing was changed');
    expect(await new SourcesRepository(t.db, new SecretBox(OLD_KEY)).connectorSource('src_stripe1')).toMatchObject({
      secrets: ['whsec_1'],
    });

    const file = join(dir, 'old.key');
    writeFileSync(file, `${OLD_KEY.toString('base64')}\n`);
    const run = runCli(['secrets', 'rekey', '--old-key-file', file], undefined, {
      ...env,
      KPI_SECRETS_KEY: NEW_KEY.toString('hex'),
    });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(
      're-sealed under KPI_SECRETS_KEY: 1 connector signing secret(s), 0 alert channel(s)\n' +
        'start every KPI Pulse process with the new KPI_SECRETS_KEY now\n',
    );
    expect(await new SourcesRepository(t.db, new SecretBox(NEW_KEY)).connectorSource('src_stripe1')).toMatchObject({
      secrets: ['whsec_1'],
    });
    const again = runCli(['secrets', 'rekey', '--old-key-file', file], undefined, {
      ...env,
      KPI_SECRETS_KEY: NEW_KEY.toString('hex'),
    });
    expect(again.stdout).toContain('0 connector signing secret(s), 0 alert channel(s); 1 were under it already');
  });

  it('--help says to stop the processes first and how the keys are given', () => {
    const help = runCli(['secrets', 'rekey', '--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('Stop every KPI Pulse process first');
    expect(help.stdout).toContain('--old-key-file <path>');
  });
});
