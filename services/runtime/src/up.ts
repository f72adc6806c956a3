import { Module, type DynamicModule, type Type } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { formatIssue, loadDefinitions, type DefinitionSet } from '#libs/definitions';
import { KafkaConnection } from '#libs/kafka';
import {
  DefinitionsRegistry,
  errorMessage,
  InProcessTransport,
  parsePublished,
  routeFeeds,
  type FeedName,
  type PublishedSet,
  type Transport,
} from '#libs/pipeline';
import {
  AlertSubscriptionsRepository,
  DefinitionVersionsRepository,
  PostgresFeedTransport,
  SecretBox,
  SourcesRepository,
} from '#libs/postgres';
import { serveWebApp } from '#runtime/web-app';
import { AlertingModule } from '../../alerting/src/alerting.module';
import { IndicatorProcessorModule } from '../../indicator-processor/src/indicator-processor.module';
import { IngestGatewayModule } from '../../ingest-gateway/src/ingest-gateway.module';
import { ScorecardGatewayModule } from '../../scorecard-gateway/src/scorecard-gateway.module';
import { ScoringServiceModule } from '../../scoring-service/src/scoring-service.module';
import { secretsKey } from './auth';
import type { RuntimeConfig } from './config';
import { openDatabase, type Database } from './database';
import { createHttpApp, serveOpenApi } from './http-app';
import { RuntimeModule } from './runtime.module';
import { SERVICE_NAMES, type ServiceName } from './service-names';
import { REGISTRY } from './tokens';

const SERVICES: Record<ServiceName, Type> = {
  'ingest-gateway': IngestGatewayModule,
  'indicator-processor': IndicatorProcessorModule,
  'scoring-service': ScoringServiceModule,
  'scorecard-gateway': ScorecardGatewayModule,
  alerting: AlertingModule,
};

export interface Running {
  app: NestExpressApplication;
  url: string;
  database: Database;
  definitions: DefinitionSet; // the files
  registry: DefinitionsRegistry; // the definitions in force, org by org
  close(): Promise<void>;
}

export class StartupError extends Error {
  readonly code = 'startup';
}

// The composition root: one process running the given services (all five by default) on the
// configured database — or an embedded Postgres — with health, metrics and OpenAPI docs.
export async function up(config: RuntimeConfig, services: readonly ServiceName[] = SERVICE_NAMES): Promise<Running> {
  const { set: definitions, issues } = loadDefinitions(config.definitionsPath);
  const errors = issues.filter((i) => i.severity === 'error');
  if (errors.length > 0) throw new StartupError(`invalid definitions:\n${errors.map(formatIssue).join('\n')}`);
  const database = await openDatabase({
    url: config.databaseUrl,
    dataDir: config.dataDir,
    port: config.embeddedPostgresPort,
    ...(config.reportingPassword === undefined ? {} : { reportingPassword: config.reportingPassword }),
  }).catch((err: unknown) => {
    throw new StartupError(`database: ${errorMessage(err)}`);
  });
  let app: NestExpressApplication | undefined;
  try {
    await sealSigningSecrets(config, database);
    const published = await publishedInForce(database, definitions);
    const kafka =
      config.kafkaBrokers === undefined
        ? undefined
        : await KafkaConnection.open({
            brokers: config.kafkaBrokers,
            clientId: `kpi-pulse-${services.join('+')}`,
            partitions: config.kafkaPartitions,
            replicationFactor: config.kafkaReplicationFactor,
            sessionTimeoutMs: config.kafkaSessionTimeoutMs,
          }).catch((err: unknown) => {
            throw new StartupError(`KAFKA_BROKERS: ${errorMessage(err)}`);
          });

    const imports: (Type | DynamicModule)[] = [
      RuntimeModule.register({
        config,
        database,
        definitions,
        published,
        transport: transportFor(services, {
          postgres: new PostgresFeedTransport(database.db),
          ...(kafka === undefined ? {} : { kafka: kafka.transport }),
        }),
        ...(kafka === undefined ? {} : { kafka }),
      }),
      ...services.map((s) => SERVICES[s]),
    ];
    @Module({ imports })
    class KpiPulse {}

    app = await createHttpApp(KpiPulse, config.logLevel);
    if (services.includes('scorecard-gateway') && serveWebApp(app) === undefined)
      process.stderr.write('kpi-pulse: the scorecard page is not built (npm run build): serving the API only\n');
    serveOpenApi(app);
    await app.listen(config.httpPort, config.httpHost);
  } catch (err) {
    // nothing half-started stays behind: the app's shutdown hooks, then the database (and its server)
    await app?.close().catch(() => undefined);
    await database.close().catch(() => undefined);
    if (err instanceof StartupError) throw err;
    throw new StartupError(errorMessage(err));
  }
  const url = (await app.getUrl()).replace('[::1]', 'localhost').replace('0.0.0.0', '127.0.0.1');
  const registry = app.get<DefinitionsRegistry>(REGISTRY);
  return { app, url, database, definitions, registry, close: () => app.close() };
}

// Connector signing secrets and alert channels kept in clear by an older release are sealed now; a key
// that does not open the sealed ones (KPI_SECRETS_KEY changed, or another data directory's) stops the start.
async function sealSigningSecrets(config: RuntimeConfig, database: Database): Promise<void> {
  const box = new SecretBox(secretsKey(config));
  const secrets = await new SourcesRepository(database.db, box).sealClearSecrets();
  const channels = await new AlertSubscriptionsRepository(database.db, box).sealClearChannels();
  const said = (n: number, what: string) =>
    n > 0 && process.stderr.write(`kpi-pulse: sealed ${n} ${what} kept in clear\n`);
  said(secrets.sealed, 'connector signing secret(s)');
  said(channels.sealed, 'alert subscription channel(s)');
  const unopenable = [
    ...secrets.unopenable.map((id) => `connector credential ${id}`),
    ...channels.unopenable.map((id) => `alert subscription ${id}`),
  ];
  if (unopenable.length > 0)
    throw new StartupError(
      `KPI_SECRETS_KEY: does not open the secrets of ${unopenable.length} connector credential(s) or alert ` +
        `subscription(s) (${unopenable.slice(0, 3).join(', ')}): set the key they were sealed with`,
    );
}

// The one place the feeds' transport is chosen: in this process between two services it runs; else
// over Kafka when there is one, or through the Postgres feed. Published definitions are stored in
// Postgres and go through its feed.
export function transportFor(
  services: readonly ServiceName[],
  elsewhere: { postgres: Transport; kafka?: Transport },
): Transport {
  const inProcess = new InProcessTransport();
  // in this process only when the producer and every consumer of the feed run here
  const between = (feed: FeedName, ...ends: ServiceName[]): Transport =>
    ends.every((s) => services.includes(s))
      ? inProcess
      : feed === 'definitions'
        ? elsewhere.postgres
        : (elsewhere.kafka ?? elsewhere.postgres);
  return routeFeeds({
    'indicator-changes': between('indicator-changes', 'indicator-processor', 'scoring-service'),
    'scorecard-updates': between('scorecard-updates', 'scoring-service', 'scorecard-gateway', 'alerting'),
    definitions: between('definitions', 'scorecard-gateway', 'scoring-service', 'alerting'),
    alerts: between('alerts', 'alerting', 'scorecard-gateway'),
  });
}

// Versions published over HTTP outlive a restart: each org's newest, and the newest platform default,
// are in force again, as long as their indicators and orgs are still those of the definition files (the
// processor's state was folded under those). An org whose version no longer matches is scored with the
// platform default, else the files.
async function publishedInForce(database: Database, files: DefinitionSet): Promise<PublishedSet[]> {
  const check = new DefinitionsRegistry(files);
  const kept: PublishedSet[] = [];
  for (const latest of await new DefinitionVersionsRepository(database.db).latestOfEach()) {
    const set = parsePublished(latest.source);
    if (set === undefined || check.check(set) !== undefined) {
      const whose = latest.orgId === null ? 'the platform default' : `org ${latest.orgId}`;
      process.stderr.write(
        `kpi-pulse: published definitions v${latest.version} (${whose}) no longer match the definition files; not in force\n`,
      );
      continue;
    }
    kept.push({ version: latest.version, orgId: latest.orgId, set });
  }
  return kept;
}
