import { escapeLiteral } from 'pg';
import { DataSource } from 'typeorm';
import { EventLog1763884800000 } from './migrations/1763884800000-event-log';
import { IndicatorState1763884900000 } from './migrations/1763884900000-indicator-state';
import { Scorecards1763885000000 } from './migrations/1763885000000-scorecards';
import { DefinitionVersions1763885100000 } from './migrations/1763885100000-definition-versions';
import { FeedsAndAlerts1763885200000 } from './migrations/1763885200000-feeds-and-alerts';
import { PartitionCheckpoints1763885300000 } from './migrations/1763885300000-partition-checkpoints';
import { RosterAndKpiHistory1763885400000 } from './migrations/1763885400000-roster-and-kpi-history';
import { RejectionCodes1763885500000 } from './migrations/1763885500000-rejection-codes';
import { RevokedTokens1763885600000 } from './migrations/1763885600000-revoked-tokens';
import { Sources1763885700000 } from './migrations/1763885700000-sources';
import { DefinitionVersionsOrg1763885800000 } from './migrations/1763885800000-definition-versions-org';
import { RosterOfRecord1763885900000 } from './migrations/1763885900000-roster-of-record';
import { Retention1763886000000 } from './migrations/1763886000000-retention';
import { AlertStates1763886500000 } from './migrations/1763886500000-alert-states';
import { ProcessedKeys1763886800000 } from './migrations/1763886800000-processed-keys';
import { AlertRouting1763887000000 } from './migrations/1763887000000-alert-routing';
import { AlertPage1763887500000 } from './migrations/1763887500000-alert-page';
import { DeliveriesByAlert1763887600000 } from './migrations/1763887600000-deliveries-by-alert';
import { ParkedJourneys1763887700000 } from './migrations/1763887700000-parked-journeys';
import { ParkedValues1763887800000 } from './migrations/1763887800000-parked-values';
import { PeriodClose1763887900000 } from './migrations/1763887900000-period-close';
import { REPORTING_ROLE, Reporting1763888000000 } from './migrations/1763888000000-reporting';
import { Connectors1763888100000 } from './migrations/1763888100000-connectors';
import { ReviewPacks1763888200000 } from './migrations/1763888200000-review-packs';
import { ParkedValueSets1763888300000 } from './migrations/1763888300000-parked-value-sets';
import { SealedSigningSecrets1763888600000 } from './migrations/1763888600000-sealed-signing-secrets';
import { ParkedJourneyBooks1763888700000 } from './migrations/1763888700000-parked-journey-books';
import { BreachesEndWithPeriod1763888900000 } from './migrations/1763888900000-breaches-end-with-period';
import { CheckpointSnapshotJson1763889000000 } from './migrations/1763889000000-checkpoint-snapshot-json';

// Every migration, oldest first. A committed migration is never edited: changes come as new ones.
export const MIGRATIONS = [
  EventLog1763884800000,
  IndicatorState1763884900000,
  Scorecards1763885000000,
  DefinitionVersions1763885100000,
  FeedsAndAlerts1763885200000,
  PartitionCheckpoints1763885300000,
  RosterAndKpiHistory1763885400000,
  RejectionCodes1763885500000,
  RevokedTokens1763885600000,
  Sources1763885700000,
  DefinitionVersionsOrg1763885800000,
  RosterOfRecord1763885900000,
  Retention1763886000000,
  AlertStates1763886500000,
  ProcessedKeys1763886800000,
  AlertRouting1763887000000,
  AlertPage1763887500000,
  DeliveriesByAlert1763887600000,
  ParkedJourneys1763887700000,
  ParkedValues1763887800000,
  PeriodClose1763887900000,
  Reporting1763888000000,
  Connectors1763888100000,
  ReviewPacks1763888200000,
  ParkedValueSets1763888300000,
  SealedSigningSecrets1763888600000,
  ParkedJourneyBooks1763888700000,
  BreachesEndWithPeriod1763888900000,
  CheckpointSnapshotJson1763889000000,
];

export interface PostgresOptions {
  url: string;
  schema?: string; // for tests: each run in a schema of its own
  poolSize?: number;
}

export function createDataSource(options: PostgresOptions): DataSource {
  return new DataSource({
    type: 'postgres',
    url: options.url,
    synchronize: false,
    migrationsRun: false,
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
    poolSize: options.poolSize ?? 10,
    ...(options.schema === undefined
      ? {}
      : { schema: options.schema, extra: { options: `-c search_path=${options.schema}` } }),
  });
}

// Runs the pending migrations under a session advisory lock: services starting together on one
// database migrate it once, the others wait and find nothing left to do. With `reportingPassword`, the
// reporting role (Grafana's) may sign in with it from then on: set at each start, so a changed
// password takes effect at the next one.
const MIGRATION_LOCK = 7_240_002;
export async function migrate(db: DataSource, options: { reportingPassword?: string } = {}): Promise<void> {
  const runner = db.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await db.runMigrations({ transaction: 'each' });
    // a utility statement takes no parameters: the password goes in as a quoted literal
    if (options.reportingPassword !== undefined)
      await runner.query(`ALTER ROLE ${REPORTING_ROLE} LOGIN PASSWORD ${escapeLiteral(options.reportingPassword)}`);
  } finally {
    await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    await runner.release();
  }
}
