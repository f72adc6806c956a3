import { mintToken, sharedSecret } from '#runtime/auth';
import { ConfigError, loadConfig } from '#runtime/config';
import { UsageError } from './usage-error';

export interface RunningApiOptions {
  url?: string; // --url
  token?: string; // --token
  org: string; // --org: the org of a token minted here
}

// The running KPI Pulse a command calls (--url, else localhost:$PORT) and a sign-in token for it: --token,
// else KPI_PULSE_TOKEN, else an admin's of --org minted with the local secret (as `kpi-pulse token`).
export async function runningApi(
  opts: RunningApiOptions,
  subject: string,
  expires: string,
): Promise<{ base: string; token: string }> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) throw new UsageError(err.message);
    throw err;
  }
  const base = (opts.url ?? `http://localhost:${config.httpPort}`).replace(/\/+$/, '');
  if (!URL.canParse(base)) throw new UsageError(`--url: expected http(s)://host:port, got "${base}"`);
  const token =
    opts.token ??
    process.env.KPI_PULSE_TOKEN ??
    (await mintToken(sharedSecret(config), `${subject}@${opts.org}`, { role: 'admin', org: opts.org }, expires));
  return { base, token };
}
