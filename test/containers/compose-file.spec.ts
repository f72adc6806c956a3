import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../services/runtime/src/config';
import { composeText, interpolate, loadCompose, MissingVariable, runtimeStage } from '../support/compose';

// What `docker compose config` would say of docker-compose.yml, where no Docker engine runs: the file
// against the Compose Specification's schema (test/fixtures/compose-spec), and the rules that make
// `docker compose up` start and keep running: required secrets, one token secret for every service,
// healthchecks with start periods, restart policies, data on named volumes, a non-root image.
const REQUIRED = ['POSTGRES_PASSWORD', 'AUTH_JWT_SECRET', 'GRAFANA_ADMIN_PASSWORD'];
const ENV = {
  POSTGRES_PASSWORD: 'pg-password-of-the-operator',
  AUTH_JWT_SECRET: 'an-operator-secret-of-forty-characters-00',
  GRAFANA_ADMIN_PASSWORD: 'grafana-password-of-the-operator',
};
const schema = JSON.parse(
  readFileSync(join(__dirname, '..', 'fixtures', 'compose-spec', 'compose-spec.json'), 'utf8'),
) as object;

const ourServices = (file = loadCompose(ENV)) => Object.entries(file.services).filter(([, s]) => s.build !== undefined); // built from this repository

describe('docker-compose.yml', () => {
  it('is a valid Compose file once interpolated, by the Compose Specification schema', () => {
    const validate = new Ajv({ strict: false, allErrors: true, validateSchema: false }).compile(schema);
    const valid = validate(loadCompose(ENV));
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('the schema check bites: a misspelt key is refused', () => {
    const validate = new Ajv({ strict: false, validateSchema: false }).compile(schema);
    const file = loadCompose(ENV);
    (file.services.postgres as Record<string, unknown>).restart_policy = 'always';
    expect(validate(file)).toBe(false);
  });

  it.each(REQUIRED)('stops before starting anything when %s is unset or empty', (variable) => {
    for (const value of [undefined, '']) {
      const env = { ...ENV, [variable]: value };
      expect(() => interpolate(composeText(), env)).toThrow(MissingVariable);
      try {
        interpolate(composeText(), env);
      } catch (err) {
        expect((err as MissingVariable).variable).toBe(variable);
      }
    }
  });

  it('takes every variable either as required or as a documented non-secret default', () => {
    const references = [...composeText().matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)(:?[-?])?/g)].map((m) => ({
      name: m[1] as string,
      op: m[2],
    }));
    const defaulted = new Set(references.filter((r) => r.op !== ':?').map((r) => r.name));
    expect([...defaulted]).toEqual(['KAFKA_PARTITIONS']);
    expect(new Set(references.filter((r) => r.op === ':?').map((r) => r.name))).toEqual(new Set(REQUIRED));
  });

  it('has no default password or secret: each comes from a required variable', () => {
    const raw = loadCompose();
    const secrets = Object.entries(raw.services).flatMap(([name, s]) =>
      Object.entries(s.environment ?? {})
        .filter(([key]) => /PASSWORD|SECRET/.test(key))
        .map(([key, value]) => ({ name, key, value: String(value) })),
    );
    expect(secrets.length).toBeGreaterThan(0);
    for (const { value } of secrets) expect(value).toMatch(/^\$\{[A-Z_]+:\?[^}]+\}$/);
    // Grafana's admin password is the operator's, never admin/admin
    expect(raw.services.grafana?.environment?.GF_SECURITY_ADMIN_PASSWORD).toMatch(/^\$\{GRAFANA_ADMIN_PASSWORD:\?/);
    // and the database URL carries the required password, not one written in the file
    for (const [, s] of ourServices(raw)) expect(s.environment?.DATABASE_URL).toContain('${POSTGRES_PASSWORD:?');
  });

  it('gives every service of ours the same token secret, and a configuration that starts', () => {
    const services = ourServices();
    expect(services.map(([name]) => name).sort()).toEqual([
      'alerting',
      'indicator-processor',
      'ingest-gateway',
      'scorecard-gateway',
      'scoring-service',
    ]);
    for (const [, s] of services) {
      const env = Object.fromEntries(Object.entries(s.environment ?? {}).map(([k, v]) => [k, String(v)]));
      // the runtime's own parser: a value it refuses would stop the container at start
      const config = loadConfig(env);
      expect(config.auth.jwtSecret).toBe(ENV.AUTH_JWT_SECRET);
      expect(config.databaseUrl).toBe(`postgres://kpi:${ENV.POSTGRES_PASSWORD}@postgres:5432/kpi_pulse`);
      expect(config.httpHost).toBe('0.0.0.0');
    }
  });

  it('gives every service a healthcheck with a start period, and a restart policy', () => {
    for (const [name, s] of Object.entries(loadCompose(ENV).services)) {
      expect(s.healthcheck?.disable, name).not.toBe(true);
      expect(s.healthcheck?.test, name).toBeDefined();
      expect(s.healthcheck?.start_period, name).toMatch(/^\d+s$/);
      expect(['always', 'unless-stopped', 'on-failure'], name).toContain(s.restart);
    }
  });

  it('keeps Kafka, Postgres and Grafana data on named volumes', () => {
    const file = loadCompose(ENV);
    const mounts = (service: string) =>
      (file.services[service]?.volumes ?? []).map((v) => v.split(':')).filter(([from]) => !from?.startsWith('.'));
    const declared = Object.keys(file.volumes ?? {});
    const kafka = mounts('kafka');
    expect(kafka).toEqual([['kafka-data', file.services.kafka?.environment?.KAFKA_LOG_DIRS]]);
    expect(mounts('postgres')).toEqual([['postgres-data', '/var/lib/postgresql/data']]);
    expect(mounts('grafana')).toEqual([['grafana-data', '/var/lib/grafana']]);
    expect(declared.sort()).toEqual(['grafana-data', 'kafka-data', 'postgres-data']);
  });
});

describe('the Dockerfile', () => {
  it('runs as a non-root user whose data directory the image creates and gives it', () => {
    const stage = runtimeStage();
    expect(stage.user).toBeDefined();
    expect(stage.user).not.toMatch(/^(root|0)(:|$)/);
    const dataDir = stage.env.KPI_PULSE_DATA_DIR as string;
    expect(dataDir).toMatch(/^\//); // absolute: never under the root-owned WORKDIR
    expect(dataDir.startsWith(`${stage.workdir}/`)).toBe(false);
    const chowned = stage.runs.some(
      (run) => run.includes(`mkdir -p ${dataDir}`) && run.includes(`chown ${stage.user}:${stage.user} ${dataDir}`),
    );
    expect(chowned).toBe(true);
  });
});
