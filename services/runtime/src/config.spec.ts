import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config';

describe('runtime configuration from the environment', () => {
  it('has defaults for the embedded mode', () => {
    expect(loadConfig({})).toEqual({
      databaseUrl: undefined,
      kafkaBrokers: undefined,
      dataDir: '.data',
      embeddedPostgresPort: 54_329,
      httpPort: 8080,
      httpHost: '127.0.0.1',
      definitionsPath: 'definitions/seed',
      processorBatchSize: 2000,
      kafkaPartitions: 6,
      kafkaReplicationFactor: 1,
      kafkaSessionTimeoutMs: 30_000,
      processorFlushMs: 500,
      processorTickMs: 1000,
      processorCheckpointEvery: 10,
      eventTimeToleranceMs: 300_000,
      logLevel: 'info',
      ingest: { maxRequestBytes: 10_485_760, maxEvents: 10_000, maxEventBytes: 262_144, maxDeadLetters: 100 },
      auth: {
        jwtSecret: undefined,
        jwksUrl: undefined,
        issuer: undefined,
        audience: undefined,
        maxLifetimes: { admin: 43_200, manager: 43_200, agent: 43_200, display: 7_776_000, platform: 43_200 },
      },
      allowedOrigins: [],
      gatewaySendBufferBytes: 8 * 1024 * 1024,
      retention: {
        eventsMs: 3_600_000,
        deadLettersMs: 604_800_000,
        feedMs: 3_600_000,
        historyMs: 300_000,
        historyStepMs: 3_600_000,
        breachesMs: 2_592_000_000,
        deliveriesMs: 2_592_000_000,
        webhooksMs: 2_592_000_000,
        revokedTokensMs: 7_776_000_000 + 3_600_000, // the longest lifetime (a display's 90 d) and an hour
        everyMs: 300_000,
        batchSize: 5000,
      },
      alerts: { publicUrl: 'http://localhost:8080', pollMs: 1000, smtp: null },
    });
  });

  it('keeps revoked token ids as long as the longest token lifetime allowed, and an hour', () => {
    const c = loadConfig({ AUTH_MAX_LIFETIME_DISPLAY: '1d', AUTH_MAX_LIFETIME_ADMIN: '2d' });
    expect(c.retention.revokedTokensMs).toBe(2 * 86_400_000 + 3_600_000);
  });

  it('reads retention spans, and off for kept forever', () => {
    const c = loadConfig({ KPI_RETAIN_EVENTS: '14d', KPI_RETAIN_DEAD_LETTERS: 'off', KPI_HISTORY_STEP: '15m' });
    expect([c.retention.eventsMs, c.retention.deadLettersMs, c.retention.historyStepMs]).toEqual([
      1_209_600_000,
      undefined,
      900_000,
    ]);
  });

  it('reads the SMTP server from SMTP_URL or its parts, and refuses a sender missing or malformed', () => {
    const from = 'KPI Pulse <alerts@example.com>';
    expect(loadConfig({ SMTP_URL: 'smtps://bot:p%40ss@mail.example.com', SMTP_FROM: from }).alerts.smtp).toEqual({
      host: 'mail.example.com',
      port: 465,
      secure: true,
      user: 'bot',
      password: 'p@ss',
      from,
      timeoutMs: 10_000,
    });
    expect(loadConfig({ SMTP_HOST: 'mail.local', SMTP_PORT: '2525', SMTP_FROM: 'a@b.c' }).alerts.smtp).toMatchObject({
      host: 'mail.local',
      port: 2525,
      secure: false,
      user: null,
    });
    expect(() => loadConfig({ SMTP_HOST: 'mail.local' })).toThrow(/^SMTP_FROM: /);
    expect(() => loadConfig({ SMTP_URL: 'http://mail.local', SMTP_FROM: 'a@b.c' })).toThrow(/^SMTP_URL: /);
    expect(() => loadConfig({ KPI_PULSE_PUBLIC_URL: 'kpi.example.com' })).toThrow(/^KPI_PULSE_PUBLIC_URL: /);
    expect(loadConfig({ KPI_PULSE_PUBLIC_URL: 'https://kpi.example.com/' }).alerts.publicUrl).toBe(
      'https://kpi.example.com',
    );
  });

  it('reads a database, brokers and a port', () => {
    const c = loadConfig({
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/test',
      KAFKA_BROKERS: 'k1:9092, k2:9092',
      PORT: '3000',
    });
    expect(c.databaseUrl).toBe('postgres://postgres@127.0.0.1:5432/test');
    expect(c.kafkaBrokers).toEqual(['k1:9092', 'k2:9092']);
    expect(c.httpPort).toBe(3000);
  });

  it('reads the bounds of ingest', () => {
    const c = loadConfig({
      INGEST_MAX_REQUEST_BYTES: '1048576',
      INGEST_MAX_EVENTS: '500',
      INGEST_MAX_EVENT_BYTES: '4096',
      INGEST_MAX_DEAD_LETTERS: '10',
    });
    expect(c.ingest).toEqual({ maxRequestBytes: 1_048_576, maxEvents: 500, maxEventBytes: 4096, maxDeadLetters: 10 });
  });

  it('reads token lifetimes per role and the allowed origins', () => {
    const c = loadConfig({
      AUTH_MAX_LIFETIME_AGENT: '8h',
      AUTH_MAX_LIFETIME_DISPLAY: '30d',
      ALLOWED_ORIGINS: 'https://kpi.example.com, http://wall.local:8080',
    });
    expect(c.auth.maxLifetimes).toEqual({
      admin: 43_200,
      manager: 43_200,
      agent: 28_800,
      display: 2_592_000,
      platform: 43_200,
    });
    expect(c.allowedOrigins).toEqual(['https://kpi.example.com', 'http://wall.local:8080']);
  });

  it('reads the key that seals connector secrets: 32 bytes in hex or base64', () => {
    const hex = '00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff';
    expect(loadConfig({ KPI_SECRETS_KEY: hex }).secretsKey?.toString('hex')).toBe(hex);
    const base64 = Buffer.from(hex, 'hex').toString('base64');
    expect(loadConfig({ KPI_SECRETS_KEY: base64 }).secretsKey?.toString('hex')).toBe(hex);
    expect(loadConfig({}).secretsKey).toBeUndefined();
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT: expected a TCP port 0–65535 (0: any free one), got "eighty"'],
    [{ DATABASE_URL: 'mysql://x@y/z' }, 'DATABASE_URL: expected a postgres:// URL, got mysql://'],
    [{ DATABASE_URL: 'not a url' }, 'DATABASE_URL: expected a URL such as postgres://user@host:5432/db'],
    [{ KAFKA_BROKERS: 'k1' }, 'KAFKA_BROKERS: expected host:port[,host:port…], got "k1"'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL: expected one of debug, info, warn, error, got "loud"'],
    [{ PROCESSOR_BATCH_SIZE: '0' }, 'PROCESSOR_BATCH_SIZE: expected a positive integer, got "0"'],
    [{ INGEST_MAX_EVENTS: '-1' }, 'INGEST_MAX_EVENTS: expected a positive integer, got "-1"'],
    [{ INGEST_MAX_REQUEST_BYTES: '10mb' }, 'INGEST_MAX_REQUEST_BYTES: expected a positive integer, got "10mb"'],
    [{ EVENT_TIME_TOLERANCE_MS: '5m' }, 'EVENT_TIME_TOLERANCE_MS: expected an integer ≥ 0, got "5m"'],
    [{ AUTH_JWT_SECRET: 'short' }, 'AUTH_JWT_SECRET: expected at least 32 characters, got 5'],
    [{ AUTH_JWKS_URL: 'issuer.example' }, 'AUTH_JWKS_URL: expected an http(s) URL, got "issuer.example"'],
    [{ AUTH_MAX_LIFETIME_DISPLAY: '90 days' }, 'AUTH_MAX_LIFETIME_DISPLAY: expected a span such as 90d, got "90 days"'],
    [{ AUTH_MAX_LIFETIME_ADMIN: '0h' }, 'AUTH_MAX_LIFETIME_ADMIN: expected a span such as 12h, got "0h"'],
    [
      { ALLOWED_ORIGINS: 'https://kpi.example.com/' },
      'ALLOWED_ORIGINS: expected origins such as https://kpi.example.com[,…], got "https://kpi.example.com/"',
    ],
    [{ ALLOWED_ORIGINS: '*' }, 'ALLOWED_ORIGINS: expected origins such as https://kpi.example.com[,…], got "*"'],
    [
      { KPI_RETAIN_EVENTS: '2 days' },
      'KPI_RETAIN_EVENTS: expected a span such as 1h (or off: kept forever), got "2 days"',
    ],
    [{ KPI_HISTORY_STEP: 'off' }, 'KPI_HISTORY_STEP: expected a span such as 1h, got "off"'],
    [{ KPI_RETENTION_BATCH: '0' }, 'KPI_RETENTION_BATCH: expected a positive integer, got "0"'],
    [
      { KPI_SECRETS_KEY: 'a-passphrase-is-not-a-key' },
      'KPI_SECRETS_KEY: expected 32 random bytes as 64 hex digits or in base64 (openssl rand -base64 32)',
    ],
    [
      { KPI_SECRETS_KEY: Buffer.alloc(16).toString('base64') },
      'KPI_SECRETS_KEY: expected 32 random bytes as 64 hex digits or in base64 (openssl rand -base64 32)',
    ],
  ])('fails fast naming the variable: %o', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });
});
