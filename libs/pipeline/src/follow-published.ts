import type { DefinitionsRegistry } from './definitions-registry';
import type { Subscription, Transport } from './feeds';
import { errorMessage, type RunnerLogger } from './ports';

// Where published versions are kept whole (libs/postgres DefinitionVersionsRepository).
export interface PublishedVersions {
  latest(orgId: string | null): Promise<{ version: number; orgId: string | null; source: string } | undefined>;
}

// Keeps this process's registry on the versions published anywhere: each message names an org (none: a
// platform default), whose newest version is read from the store. Scoring follows to re-score; a gateway
// follows so its snapshots, period switcher and export use the version in force.
export function followPublished(
  transport: Transport,
  registry: DefinitionsRegistry,
  versions: PublishedVersions,
  consumer: string,
  logger: RunnerLogger,
): Promise<Subscription> {
  return transport.subscribe(
    'definitions',
    async ({ orgId = null }) => {
      if (!registry.adopt(await versions.latest(orgId)))
        logger.warn(`published definitions of ${orgId ?? 'the platform'} not adopted`);
    },
    {
      consumer,
      mode: 'every',
      onError: (err) => logger.error(`following published definitions: ${errorMessage(err)}`),
    },
  );
}
