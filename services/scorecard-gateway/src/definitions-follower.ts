import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { followPublished, type DefinitionsRegistry, type Subscription, type Transport } from '#libs/pipeline';
import type { DefinitionVersionsRepository } from '#libs/postgres';
import { DEFINITION_VERSIONS, REGISTRY, TRANSPORT } from '#runtime/tokens';

// A gateway's registry follows the versions published on any gateway: its snapshots, period switcher and
// export use the version in force, whichever gateway took the publish.
@Injectable()
export class DefinitionsFollower implements OnApplicationBootstrap, OnApplicationShutdown {
  private subscription: Subscription | undefined;

  constructor(
    @Inject(TRANSPORT) private readonly transport: Transport,
    @Inject(REGISTRY) private readonly registry: DefinitionsRegistry,
    @Inject(DEFINITION_VERSIONS) private readonly versions: DefinitionVersionsRepository,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const logger = new Logger('scorecard-gateway');
    this.subscription = await followPublished(this.transport, this.registry, this.versions, 'gateway', logger);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.subscription?.close();
  }
}
