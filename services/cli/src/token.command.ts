import { randomUUID } from 'node:crypto';
import type { Command } from 'commander';
import { formatSpan, principalOf, ROLES, type AccessClaims, type Role } from '#libs/access';
import { mintToken, sharedSecret } from '#runtime/auth';
import { ConfigError, loadConfig, parseSpan } from '#runtime/config';
import { UsageError } from './usage-error';

interface TokenOptions {
  role: string;
  org: string;
  team?: string[];
  agent?: string;
  subject?: string;
  expires: string;
}

export function registerTokenCommand(program: Command): void {
  program
    .command('token')
    .description('Mint a sign-in token (JWT, HS256) for the shared secret of this machine or AUTH_JWT_SECRET.')
    .requiredOption('--role <role>', `one of ${ROLES.join(', ')}`)
    .option('--org <org>', 'the org', 'O1')
    .option('--team <team...>', 'manager: their teams; agent: their team; display: one team (else the whole org)')
    .option('--agent <agent>', 'agent: who they are')
    .option('--subject <name>', 'who the token is for (shown as the publisher of definitions)')
    .option('--expires <span>', 'lifetime: 30m, 12h, 7d… (at most AUTH_MAX_LIFETIME_<ROLE>)', '12h')
    .addHelpText(
      'after',
      `
The secret is AUTH_JWT_SECRET, else the one \`kpi-pulse up\` keeps in KPI_PULSE_DATA_DIR/auth-secret (default
.data). Services configured with AUTH_JWKS_URL take their issuer's tokens instead.

Every token expires and carries a jti (printed on stderr): an admin of the org revokes it with
POST /v1/tokens/<jti>/revoke. The longest lifetimes are 12h for admin, manager, agent and platform and 90d for
display, unless AUTH_MAX_LIFETIME_ADMIN, _MANAGER, _AGENT, _DISPLAY or _PLATFORM say otherwise.

Examples:
  kpi-pulse token --role manager --team O1-T1
  kpi-pulse token --role agent --team O1-T1 --agent O1-T1-A1
  kpi-pulse token --role display --expires 30d          (a wall screen: /tv?token=…)
  kpi-pulse token --role platform --org ops             (publishes default definitions for every org)`,
    )
    .action(async (opts: TokenOptions) => {
      let config;
      try {
        config = loadConfig();
      } catch (err) {
        if (err instanceof ConfigError) throw new UsageError(err.message);
        throw err;
      }
      const lifetime = parseSpan(opts.expires);
      if (lifetime === undefined) throw new UsageError(`--expires: expected a span such as 12h, got "${opts.expires}"`);
      const claims: AccessClaims = { role: opts.role as Role, org: opts.org };
      if (opts.team !== undefined) claims.teams = opts.team;
      if (opts.agent !== undefined) claims.agent = opts.agent;
      const subject = opts.subject ?? opts.agent ?? `${opts.role}@${opts.org}`;
      const iat = Math.floor(Date.now() / 1000);
      const exp = iat + lifetime;
      const jti = randomUUID();
      const checked = principalOf(
        subject,
        { ...claims, iat, exp, jti },
        { now: Date.now(), maxLifetimes: config.auth.maxLifetimes },
      );
      if (!checked.ok) {
        const max = formatSpan(config.auth.maxLifetimes[claims.role] ?? 0);
        if (checked.reason.startsWith('exp:'))
          throw new UsageError(`--expires: a ${opts.role} token may live at most ${max}, got ${opts.expires}`);
        throw new UsageError(checked.reason.replace(/^(\w+):/, '--$1:'));
      }
      process.stdout.write(`${await mintToken(sharedSecret(config), subject, claims, exp, jti)}\n`);
      process.stderr.write(`jti ${jti}, expires ${new Date(exp * 1000).toISOString()}\n`);
    });
}
