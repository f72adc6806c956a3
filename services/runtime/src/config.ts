import { DEFAULT_MAX_LIFETIMES, formatSpan, type Lifetimes, type Role } from '#libs/access';
import { DEFAULT_EVENT_TIME_TOLERANCE_MS } from '#libs/definitions';
import { DEFAULT_INGEST_LIMITS, type IngestLimits } from '#libs/pipeline';
import type { SmtpConfig } from './smtp-sender';

// The runtime's configuration, parsed once from the environment into a typed object. A bad value
// stops the start with the variable's name and what was expected.
export interface RuntimeConfig {
  databaseUrl: string | undefined; // unset: an embedded Postgres under dataDir
  reportingPassword: string | undefined; // the Grafana role's (kpi_grafana); unset: it cannot sign in
  kafkaBrokers: readonly string[] | undefined; // unset: the Postgres-backed event log
  kafkaPartitions: number; // partitions of each topic created at start
  kafkaReplicationFactor: number;
  kafkaSessionTimeoutMs: number; // a processor that stops heartbeating loses its partitions after this
  dataDir: string;
  embeddedPostgresPort: number;
  httpPort: number;
  httpHost: string; // 127.0.0.1 by default; 0.0.0.0 in a container
  definitionsPath: string;
  processorBatchSize: number; // events per poll of the log
  processorFlushMs: number; // how often changed values are written (coalesced)
  processorTickMs: number; // how often an idle processor moves its clock to the wall clock (0: never, e.g. for a backfill)
  processorCheckpointEvery: number; // flushes between engine snapshots
  // how far ahead of this machine's clock an event may be timed (ms): later ones are refused
  // (too_far_ahead), and no org's event-time clock in the processor ever passes now + this
  eventTimeToleranceMs: number;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  // the bounds of one POST /v1/events (docs/events.md, "Limits"): a body over maxRequestBytes or with
  // more than maxEvents events is refused whole (413); an event over maxEventBytes is rejected
  // (too_large); beyond maxDeadLetters rejections one summary dead letter stands for the rest
  ingest: IngestLimits & { maxRequestBytes: number; maxEvents: number };
  auth: {
    jwtSecret: string | undefined; // HS256 shared secret; unset: one kept in dataDir/auth-secret
    jwksUrl: string | undefined; // an OIDC issuer's keys instead of the shared secret
    issuer: string | undefined;
    audience: string | undefined;
    maxLifetimes: Lifetimes; // seconds per role: a token living longer (exp − iat) is refused
  };
  // origins (scheme://host[:port]) whose pages may open the socket and call the API, besides the
  // gateway's own; a request without Origin (not a browser) is not concerned
  allowedOrigins: readonly string[];
  // the AES-256 key that seals connector signing secrets at rest (docs/connectors.md, "Secrets at rest");
  // unset: one generated and kept in dataDir/secrets-key
  secretsKey: Buffer | undefined;
  // bytes the scorecard gateway holds for one socket that has not read them (engine.io's queue and the
  // websocket's buffer): past this the socket is disconnected, so a slow or hostile reader cannot grow
  // the gateway's memory
  gatewaySendBufferBytes: number;
  retention: RetentionConfig;
  alerts: AlertsConfig;
}

// Alert delivery (docs/alerts.md): where messages link to, how often the outbox is polled, and the SMTP
// server email goes through (null: none, and email subscriptions fail with that reason).
export interface AlertsConfig {
  publicUrl: string; // the page's address as receivers reach it: links in messages
  pollMs: number; // between two passes over due groups and due deliveries
  smtp: SmtpConfig | null;
}

// How long rows are kept (docs/retention.md), in ms; undefined ("off"): forever. The defaults keep the
// demo (50 events/s) at a few hundred MB.
export interface RetentionConfig {
  eventsMs: number | undefined; // the event log, once read and checkpointed (also how long a repeat is known)
  deadLettersMs: number | undefined; // rejected_events
  feedMs: number | undefined; // Postgres feed rows, once every live reader has read them
  historyMs: number | undefined; // every version of indicator values and scorecards…
  historyStepMs: number; // …then one per step (and each value's or card's latest, forever)
  breachesMs: number | undefined; // resolved red-line breaches
  deliveriesMs: number | undefined; // alert deliveries delivered or failed (never a pending one)
  webhooksMs: number | undefined; // webhooks connector sources received (replays and mapping history)
  revokedTokensMs: number; // revoked token ids: the longest token lifetime, then no token can carry them
  everyMs: number; // between pruning passes
  batchSize: number; // rows per delete
}

export class ConfigError extends Error {
  readonly code = 'config';
  constructor(
    readonly variable: string,
    reason: string,
  ) {
    super(`${variable}: ${reason}`);
  }
}

type Env = Readonly<Record<string, string | undefined>>;

function port(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 65_535)
    throw new ConfigError(name, `expected a TCP port 0–65535 (0: any free one), got "${raw}"`);
  return n;
}

// an integer of at least `min` (1: a positive integer; 0: zero allowed, e.g. to switch something off)
function integer(env: Env, name: string, fallback: number, min: 0 | 1 = 1): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min)
    throw new ConfigError(name, `expected ${min === 1 ? 'a positive integer' : 'an integer ≥ 0'}, got "${raw}"`);
  return n;
}

function databaseUrl(env: Env): string | undefined {
  const raw = env.DATABASE_URL;
  if (raw === undefined || raw === '') return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError('DATABASE_URL', 'expected a URL such as postgres://user@host:5432/db');
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new ConfigError('DATABASE_URL', `expected a postgres:// URL, got ${url.protocol}//`);
  }
  return raw;
}

function brokers(env: Env): string[] | undefined {
  const raw = env.KAFKA_BROKERS;
  if (raw === undefined || raw.trim() === '') return undefined;
  const list = raw.split(',').map((b) => b.trim());
  for (const b of list) {
    if (!/^[A-Za-z0-9.-]+:\d{1,5}$/.test(b))
      throw new ConfigError('KAFKA_BROKERS', `expected host:port[,host:port…], got "${b}"`);
  }
  return list;
}

const nonEmpty = (raw: string | undefined): string | undefined => (raw === undefined || raw === '' ? undefined : raw);

function secret(env: Env): string | undefined {
  const raw = nonEmpty(env.AUTH_JWT_SECRET);
  if (raw !== undefined && raw.length < 32)
    throw new ConfigError('AUTH_JWT_SECRET', `expected at least 32 characters, got ${raw.length}`);
  return raw;
}

function secretsKey(env: Env): Buffer | undefined {
  const raw = nonEmpty(env.KPI_SECRETS_KEY);
  return raw === undefined ? undefined : parseSecretsKey('KPI_SECRETS_KEY', raw);
}

// A key sealing secrets at rest: 32 bytes, as 64 hex digits or in base64 / base64url (43 or 44
// characters). `name` says where it came from, for the error.
export function parseSecretsKey(name: string, text: string): Buffer {
  const raw = text.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(raw)
    ? Buffer.from(raw, 'hex')
    : /^[A-Za-z0-9+/_-]{43}=?$/.test(raw)
      ? Buffer.from(raw, 'base64url')
      : undefined;
  if (key?.length !== 32)
    throw new ConfigError(name, 'expected 32 random bytes as 64 hex digits or in base64 (openssl rand -base64 32)');
  return key;
}

function jwksUrl(env: Env): string | undefined {
  const raw = nonEmpty(env.AUTH_JWKS_URL);
  if (raw === undefined) return undefined;
  if (!/^https?:\/\//.test(raw)) throw new ConfigError('AUTH_JWKS_URL', `expected an http(s) URL, got "${raw}"`);
  return raw;
}

// "90d", "12h", "30m", "45s", "2w" → seconds
export function parseSpan(text: string): number | undefined {
  const match = /^(\d+)([smhdw])$/.exec(text.trim());
  if (match === null) return undefined;
  const unit = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 }[match[2] as 's' | 'm' | 'h' | 'd' | 'w'];
  const seconds = Number(match[1]) * unit;
  return seconds > 0 ? seconds : undefined;
}

function lifetimes(env: Env): Lifetimes {
  const read = (role: Role): number => {
    const name = `AUTH_MAX_LIFETIME_${role.toUpperCase()}`;
    const raw = nonEmpty(env[name]);
    if (raw === undefined) return DEFAULT_MAX_LIFETIMES[role];
    const seconds = parseSpan(raw);
    if (seconds === undefined)
      throw new ConfigError(name, `expected a span such as ${formatSpan(DEFAULT_MAX_LIFETIMES[role])}, got "${raw}"`);
    return seconds;
  };
  return {
    admin: read('admin'),
    manager: read('manager'),
    agent: read('agent'),
    display: read('display'),
    platform: read('platform'),
  };
}

function origins(env: Env): string[] {
  const raw = nonEmpty(env.ALLOWED_ORIGINS);
  if (raw === undefined) return [];
  return raw.split(',').map((text) => {
    const o = text.trim();
    let url: URL | undefined;
    try {
      url = new URL(o);
    } catch {
      url = undefined;
    }
    // an origin is exactly scheme://host[:port], as a browser sends it
    if (url === undefined || !/^https?:$/.test(url.protocol) || url.origin !== o)
      throw new ConfigError('ALLOWED_ORIGINS', `expected origins such as https://kpi.example.com[,…], got "${o}"`);
    return o;
  });
}

// A span such as "2h" or "7d", in ms.
function span(env: Env, name: string, fallback: string, orOff = ''): number {
  const raw = nonEmpty(env[name]) ?? fallback;
  const seconds = parseSpan(raw);
  if (seconds === undefined) throw new ConfigError(name, `expected a span such as ${fallback}${orOff}, got "${raw}"`);
  return seconds * 1000;
}

// How long rows are kept: a span, or "off" (undefined: forever).
const keep = (env: Env, name: string, fallback: string): number | undefined =>
  env[name] === 'off' ? undefined : span(env, name, fallback, ' (or off: kept forever)');

const REVOCATION_MARGIN_MS = 60 * 60_000;

function retention(env: Env, maxLifetimes: Lifetimes): RetentionConfig {
  return {
    eventsMs: keep(env, 'KPI_RETAIN_EVENTS', '1h'),
    deadLettersMs: keep(env, 'KPI_RETAIN_DEAD_LETTERS', '7d'),
    feedMs: keep(env, 'KPI_RETAIN_FEED', '1h'),
    historyMs: keep(env, 'KPI_RETAIN_HISTORY', '5m'),
    historyStepMs: span(env, 'KPI_HISTORY_STEP', '1h'),
    breachesMs: keep(env, 'KPI_RETAIN_BREACHES', '30d'),
    deliveriesMs: keep(env, 'KPI_RETAIN_DELIVERIES', '30d'),
    webhooksMs: keep(env, 'KPI_RETAIN_WEBHOOKS', '30d'),
    // every token a revocation can name has expired by then (lifetimes are capped per role), with a margin
    revokedTokensMs: Math.max(...Object.values(maxLifetimes)) * 1000 + REVOCATION_MARGIN_MS,
    everyMs: span(env, 'KPI_RETENTION_EVERY', '5m'),
    batchSize: integer(env, 'KPI_RETENTION_BATCH', 5000),
  };
}

function httpUrl(env: Env, name: string, fallback: string): string {
  const raw = nonEmpty(env[name]) ?? fallback;
  if (!URL.canParse(raw) || !/^https?:$/.test(new URL(raw).protocol))
    throw new ConfigError(name, `expected an http(s) URL such as https://kpi.example.com, got "${raw}"`);
  return raw.replace(/\/+$/, '');
}

const SMTP_TIMEOUT_MS = 10_000;

// SMTP_URL (smtp://user:password@host:587, smtps:// for TLS from the first byte) or SMTP_HOST with
// SMTP_PORT, SMTP_USER, SMTP_PASSWORD; SMTP_FROM in either case.
function smtp(env: Env): SmtpConfig | null {
  const url = nonEmpty(env.SMTP_URL);
  const host = nonEmpty(env.SMTP_HOST);
  if (url === undefined && host === undefined) return null;
  const from = nonEmpty(env.SMTP_FROM);
  if (from === undefined || !/^[^@\s<>]+@[^@\s<>]+$|<[^@\s<>]+@[^@\s<>]+>$/.test(from))
    throw new ConfigError(
      'SMTP_FROM',
      'expected the sender, e.g. alerts@example.com or "KPI Pulse <alerts@example.com>"',
    );
  if (url !== undefined) {
    const parsed = URL.canParse(url) ? new URL(url) : null;
    if (parsed === null || !['smtp:', 'smtps:'].includes(parsed.protocol) || parsed.hostname === '')
      throw new ConfigError('SMTP_URL', 'expected smtp://[user:password@]host[:port] or smtps://…');
    const secure = parsed.protocol === 'smtps:';
    return {
      host: parsed.hostname,
      port: parsed.port === '' ? (secure ? 465 : 587) : Number(parsed.port),
      secure,
      user: parsed.username === '' ? null : decodeURIComponent(parsed.username),
      password: parsed.password === '' ? null : decodeURIComponent(parsed.password),
      from,
      timeoutMs: SMTP_TIMEOUT_MS,
    };
  }
  const smtpPort = port(env, 'SMTP_PORT', 587);
  return {
    host: host as string,
    port: smtpPort,
    secure: smtpPort === 465,
    user: nonEmpty(env.SMTP_USER) ?? null,
    password: nonEmpty(env.SMTP_PASSWORD) ?? null,
    from,
    timeoutMs: SMTP_TIMEOUT_MS,
  };
}

const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;

export const DEFAULT_MAX_REQUEST_BYTES = 10 * 1024 * 1024; // 10 MiB
export const DEFAULT_MAX_EVENTS = 10_000;

export function loadConfig(env: Env = process.env): RuntimeConfig {
  const logLevel = env.LOG_LEVEL ?? 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    throw new ConfigError('LOG_LEVEL', `expected one of ${LOG_LEVELS.join(', ')}, got "${logLevel}"`);
  }
  const httpPort = port(env, 'PORT', 8080);
  const httpHost = env.HOST ?? '127.0.0.1';
  const localHost = httpHost === '127.0.0.1' || httpHost === '0.0.0.0' ? 'localhost' : httpHost;
  const maxLifetimes = lifetimes(env);
  return {
    databaseUrl: databaseUrl(env),
    reportingPassword: nonEmpty(env.GRAFANA_DB_PASSWORD),
    kafkaBrokers: brokers(env),
    kafkaPartitions: integer(env, 'KAFKA_PARTITIONS', 6),
    kafkaReplicationFactor: integer(env, 'KAFKA_REPLICATION_FACTOR', 1),
    kafkaSessionTimeoutMs: integer(env, 'KAFKA_SESSION_TIMEOUT_MS', 30_000),
    dataDir: env.KPI_PULSE_DATA_DIR ?? '.data',
    embeddedPostgresPort: port(env, 'EMBEDDED_POSTGRES_PORT', 54_329),
    httpPort,
    httpHost,
    definitionsPath: env.KPI_PULSE_DEFINITIONS ?? 'definitions/seed',
    processorBatchSize: integer(env, 'PROCESSOR_BATCH_SIZE', 2000),
    processorFlushMs: integer(env, 'PROCESSOR_FLUSH_MS', 500),
    processorTickMs: integer(env, 'PROCESSOR_TICK_MS', 1000, 0),
    processorCheckpointEvery: integer(env, 'PROCESSOR_CHECKPOINT_EVERY', 10),
    eventTimeToleranceMs: integer(env, 'EVENT_TIME_TOLERANCE_MS', DEFAULT_EVENT_TIME_TOLERANCE_MS, 0),
    logLevel: logLevel as RuntimeConfig['logLevel'],
    ingest: {
      maxRequestBytes: integer(env, 'INGEST_MAX_REQUEST_BYTES', DEFAULT_MAX_REQUEST_BYTES),
      maxEvents: integer(env, 'INGEST_MAX_EVENTS', DEFAULT_MAX_EVENTS),
      maxEventBytes: integer(env, 'INGEST_MAX_EVENT_BYTES', DEFAULT_INGEST_LIMITS.maxEventBytes),
      maxDeadLetters: integer(env, 'INGEST_MAX_DEAD_LETTERS', DEFAULT_INGEST_LIMITS.maxDeadLetters),
    },
    auth: {
      jwtSecret: secret(env),
      jwksUrl: jwksUrl(env),
      issuer: nonEmpty(env.AUTH_ISSUER),
      audience: nonEmpty(env.AUTH_AUDIENCE),
      maxLifetimes,
    },
    allowedOrigins: origins(env),
    secretsKey: secretsKey(env),
    gatewaySendBufferBytes: integer(env, 'GATEWAY_SEND_BUFFER_BYTES', 8 * 1024 * 1024),
    retention: retention(env, maxLifetimes),
    alerts: {
      publicUrl: httpUrl(env, 'KPI_PULSE_PUBLIC_URL', `http://${localHost}:${httpPort}`),
      pollMs: integer(env, 'ALERTS_POLL_MS', 1000),
      smtp: smtp(env),
    },
  };
}
