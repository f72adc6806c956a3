import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { rekeySecrets, RekeyRefused, SecretBox } from '#libs/postgres';
import { errorMessage } from '#libs/pipeline';
import { ConfigError, loadConfig, parseSecretsKey, type RuntimeConfig } from '#runtime/config';
import { openDatabase } from '#runtime/database';
import { UsageError } from './usage-error';

export interface RekeyOptions {
  oldKeyFile?: string;
}

// The old key: --old-key-file, else KPI_SECRETS_KEY_OLD, else the one `up` generated into the data dir.
function oldKey(opts: RekeyOptions, env: NodeJS.ProcessEnv, config: RuntimeConfig): { key: Buffer; from: string } {
  const fromFile = (path: string, name: string) => {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (err) {
      throw new UsageError(`${name}: ${errorMessage(err)}`);
    }
    return { key: parseSecretsKey(name, text), from: path };
  };
  if (opts.oldKeyFile !== undefined) return fromFile(opts.oldKeyFile, '--old-key-file');
  const fromEnv = env.KPI_SECRETS_KEY_OLD;
  if (fromEnv !== undefined && fromEnv.trim() !== '')
    return { key: parseSecretsKey('KPI_SECRETS_KEY_OLD', fromEnv), from: 'KPI_SECRETS_KEY_OLD' };
  return fromFile(join(config.dataDir, 'secrets-key'), 'the generated key (KPI_PULSE_DATA_DIR/secrets-key)');
}

export async function runRekey(opts: RekeyOptions, env: NodeJS.ProcessEnv): Promise<void> {
  let config: RuntimeConfig;
  let old: { key: Buffer; from: string };
  try {
    config = loadConfig(env);
    if (config.secretsKey === undefined)
      throw new UsageError('KPI_SECRETS_KEY: set it to the new key (openssl rand -base64 32)');
    old = oldKey(opts, env, config);
  } catch (err) {
    if (err instanceof ConfigError) throw new UsageError(err.message);
    throw err;
  }
  if (old.key.equals(config.secretsKey)) throw new UsageError(`the old key (${old.from}) is KPI_SECRETS_KEY already`);

  const database = await openDatabase({
    url: config.databaseUrl,
    dataDir: config.dataDir,
    port: config.embeddedPostgresPort,
  }).catch((err: unknown) => {
    throw new UsageError(`database: ${errorMessage(err)} (is KPI Pulse still up? stop it first)`);
  });
  try {
    const report = await rekeySecrets(database.db, new SecretBox(old.key), new SecretBox(config.secretsKey));
    const lines = [
      `re-sealed under KPI_SECRETS_KEY: ${report.secrets} connector signing secret(s), ${report.channels} alert channel(s)` +
        (report.alreadyNew > 0 ? `; ${report.alreadyNew} were under it already` : ''),
    ];
    if (report.revokedLeft.length > 0)
      lines.push(`left as they were (revoked, neither key opens them): ${report.revokedLeft.join(', ')}`);
    lines.push('start every KPI Pulse process with the new KPI_SECRETS_KEY now');
    process.stdout.write(`${lines.join('\n')}\n`);
  } catch (err) {
    if (err instanceof RekeyRefused)
      throw new UsageError(`${err.message}: nothing was changed (is the old key ${old.from} the right one?)`);
    throw err;
  } finally {
    await database.close();
  }
}
