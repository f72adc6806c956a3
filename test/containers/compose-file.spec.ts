import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import { parse } from 'yaml';
import { REPORTING_ROLE } from '#libs/postgres';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../services/runtime/src/config';
import {
  composeText,
  interpolate,
  loadCompose,
  MissingVariable,
  runtimeStage,
  type ComposeService,
} from '../support/compose';

const ROOT = join(__dirname, '..', '..');
const readYaml = <T>(path: string): T => parse(readFileSync(path, 'utf8')) as T;
// the file of the repository a service mounts at `target`
function mountedFile(service: ComposeService | undefined, target: string): string {
  const mount = (service?.volumes ?? []).map((v) => v.split(':')).find(([, to]) => to === target);
  if (mount === undefined) throw new Error(`nothing is mounted at ${target}`);
  return join(ROOT, mount[0] as string);
}

// What `docker compose config` would say of docker-compose.yml, where no Docker engine runs: the file
// against the Compose Specification's schema (test/fixtures/compose-spec), and the rules that make
// `docker compose up` start and keep running: required secrets, one token secret for every service,
// healthchecks with start periods, restart policies, data on named volumes, a non-root image.
const REQUIRED = [
  'POSTGRES_PASSWORD',
  'AUTH_JWT_SECRET',
  'KPI_SECRETS_KEY',
  'GRAFANA_ADMIN_PASSWORD',
  'GRAFANA_DB_PASSWORD',
];
const ENV = {
  POSTGRES_PASSWORD: 'pg-password-of-the-operator',
  AUTH_JWT_SECRET: 'an-operator-secret-of-forty-characters-00',
  KPI_SECRETS_KEY: 'c2VhbHMtY29ubmVjdG9yLXNpZ25pbmctc2VjcmV0czA=',
  GRAFANA_ADMIN_PASSWORD: 'grafana-password-of-the-operator',
  GRAFANA_DB_PASSWORD: 'grafana-reader-password-of-the-operator',
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
      expect(config.secretsKey?.toString('base64')).toBe(ENV.KPI_SECRETS_KEY); // one key seals and opens
      expect(config.databaseUrl).toBe(`postgres://kpi:${ENV.POSTGRES_PASSWORD}@postgres:5432/kpi_pulse`);
      expect(config.httpHost).toBe('0.0.0.0');
      expect(config.reportingPassword).toBe(ENV.GRAFANA_DB_PASSWORD); // Grafana's role may sign in
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

  it('keeps Kafka, Postgres, Prometheus and Grafana data on named volumes', () => {
    const file = loadCompose(ENV);
    const mounts = (service: string) =>
      (file.services[service]?.volumes ?? []).map((v) => v.split(':')).filter(([from]) => !from?.startsWith('.'));
    const declared = Object.keys(file.volumes ?? {});
    const kafka = mounts('kafka');
    expect(kafka).toEqual([['kafka-data', file.services.kafka?.environment?.KAFKA_LOG_DIRS]]);
    expect(mounts('postgres')).toEqual([['postgres-data', '/var/lib/postgresql/data']]);
    expect(mounts('prometheus')).toEqual([['prometheus-data', '/prometheus']]);
    expect(mounts('grafana')).toEqual([['grafana-data', '/var/lib/grafana']]);
    expect(declared.sort()).toEqual(['grafana-data', 'kafka-data', 'postgres-data', 'prometheus-data']);
  });

  it('has Prometheus scrape every instance of every service of ours at the port it listens on', () => {
    const file = loadCompose(ENV);
    const config = readYaml<{
      scrape_configs: { job_name: string; dns_sd_configs: { names: string[]; port: number }[] }[];
    }>(mountedFile(file.services.prometheus, '/etc/prometheus/prometheus.yml'));
    const scraped = config.scrape_configs.map((job) => ({
      job: job.job_name,
      names: job.dns_sd_configs.flatMap((d) => d.names),
      ports: job.dns_sd_configs.map((d) => d.port),
    }));
    expect(scraped.map((s) => s.job).sort()).toEqual(
      ourServices(file)
        .map(([name]) => name)
        .sort(),
    );
    for (const { job, names, ports } of scraped) {
      expect(names).toEqual([job]); // the service's name: all its containers when scaled
      expect(ports).toEqual([Number(file.services[job]?.environment?.PORT)]);
    }
  });

  it('provisions Grafana with the dashboards, Postgres as the read-only role and Prometheus, by the uids the dashboards use', () => {
    const file = loadCompose(ENV);
    const grafana = file.services.grafana as ComposeService;
    expect(grafana.volumes).toEqual(
      expect.arrayContaining([
        './infra/grafana/provisioning:/etc/grafana/provisioning:ro',
        './dashboards:/var/lib/grafana/dashboards:ro',
      ]),
    );
    const provisioning = join(ROOT, 'infra', 'grafana', 'provisioning');
    type Datasource = { uid: string; type: string; user?: string; url: string; secureJsonData?: { password: string } };
    const datasources = readdirSync(join(provisioning, 'datasources')).flatMap(
      (f) => readYaml<{ datasources: Datasource[] }>(join(provisioning, 'datasources', f)).datasources,
    );
    const postgres = datasources.find((d) => d.type === 'grafana-postgresql-datasource');
    expect(postgres?.user).toBe(REPORTING_ROLE);
    // Grafana expands $VAR in provisioning from its own environment, which compose sets from the required one
    expect(postgres?.secureJsonData?.password).toBe('$GRAFANA_DB_PASSWORD');
    expect(grafana.environment?.GRAFANA_DB_PASSWORD).toBe(ENV.GRAFANA_DB_PASSWORD);
    expect(datasources.find((d) => d.type === 'prometheus')?.url).toBe('http://prometheus:9090');
    // every datasource a panel, variable or annotation of the dashboards names
    const used = new Set<string>();
    const walk = (node: unknown, key?: string): void => {
      if (Array.isArray(node)) node.forEach((n) => walk(n));
      else if (typeof node === 'object' && node !== null) {
        if (key === 'datasource') used.add((node as { uid: string }).uid);
        for (const [k, v] of Object.entries(node)) walk(v, k);
      }
    };
    for (const f of readdirSync(join(ROOT, 'dashboards')).filter((f) => f.endsWith('.json')))
      walk(JSON.parse(readFileSync(join(ROOT, 'dashboards', f), 'utf8')));
    expect([...used].sort()).toEqual(datasources.map((d) => d.uid).sort());
    const [provider] = readYaml<{ providers: { options: { path: string } }[] }>(
      join(provisioning, 'dashboards', 'kpi-pulse.yaml'),
    ).providers;
    expect(provider?.options.path).toBe('/var/lib/grafana/dashboards');
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
