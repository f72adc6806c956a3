import type { Command } from 'commander';
import type { RekeyOptions } from './secrets-rekey';

export function registerSecretsCommand(program: Command): void {
  const secrets = program
    .command('secrets')
    .description('The key that seals connector signing secrets and alert channels at rest (KPI_SECRETS_KEY).');
  secrets
    .command('rekey')
    .description(
      'Seal every connector signing secret and alert channel again, from the old key to KPI_SECRETS_KEY: all or nothing.',
    )
    .option(
      '--old-key-file <path>',
      'a file holding the old key (default: KPI_SECRETS_KEY_OLD, else the key `up` generated, KPI_PULSE_DATA_DIR/secrets-key)',
    )
    .addHelpText(
      'after',
      `
Stop every KPI Pulse process first: they hold the old key. The command reaches the database as \`up\`
does (DATABASE_URL, else the embedded Postgres under KPI_PULSE_DATA_DIR, which a running \`up\` holds),
opens each sealed secret and channel with the old key and seals it with the new one, in one
transaction. A row neither key opens stops it, named, with nothing changed; a row the new key opens
already is counted apart, so a repeated run is harmless. Then start every process with the new
KPI_SECRETS_KEY. Keys: 32 random bytes as 64 hex digits or in base64 (openssl rand -base64 32).

Examples:
  KPI_SECRETS_KEY_OLD=$(cat old.key) KPI_SECRETS_KEY=$(openssl rand -base64 32) npx kpi-pulse secrets rekey
  KPI_SECRETS_KEY=$(cat new.key) npx kpi-pulse secrets rekey          (from the key up generated)
  KPI_SECRETS_KEY=$(cat new.key) npx kpi-pulse secrets rekey --old-key-file /secrets/old.key`,
    )
    .action(async (opts: RekeyOptions) => {
      const { runRekey } = await import('./secrets-rekey.js');
      await runRekey(opts, process.env);
    });
}
