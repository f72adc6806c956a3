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
      auth: { jwtSecret: undefined, jwksUrl: undefined, issuer: undefined, audience: undefined },
    });
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

  it.each([
    [{ PORT: 'eighty' }, 'PORT: expected a TCP port 0–65535 (0: any free one), got "eighty"'],
    [{ DATABASE_URL: 'mysql://x@y/z' }, 'DATABASE_URL: expected a postgres:// URL, got mysql://'],
    [{ DATABASE_URL: 'not a url' }, 'DATABASE_URL: expected a URL such as postgres://user@host:5432/db'],
    [{ KAFKA_BROKERS: 'k1' }, 'KAFKA_BROKERS: expected host:port[,host:port…], got "k1"'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL: expected one of debug, info, warn, error, got "loud"'],
    [{ PROCESSOR_BATCH_SIZE: '0' }, 'PROCESSOR_BATCH_SIZE: expected a positive integer, got "0"'],
    [{ EVENT_TIME_TOLERANCE_MS: '5m' }, 'EVENT_TIME_TOLERANCE_MS: expected an integer ≥ 0, got "5m"'],
    [{ AUTH_JWT_SECRET: 'short' }, 'AUTH_JWT_SECRET: expected at least 32 characters, got 5'],
    [{ AUTH_JWKS_URL: 'issuer.example' }, 'AUTH_JWKS_URL: expected an http(s) URL, got "issuer.example"'],
  ])('fails fast naming the variable: %o', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });
});
