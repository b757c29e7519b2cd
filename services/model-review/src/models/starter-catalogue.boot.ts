import { Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { Clock } from '../clock';
import { systemMetadata } from '../system-metadata';
import { StarterCatalogue } from './starter-catalogue.loader';

/** The embedded default loads the starter catalogue on start; models that exist already are left alone. */
export class StarterCatalogueOnStart implements OnApplicationBootstrap {
  private readonly logger = new Logger('model-review');

  constructor(
    private readonly catalogue: StarterCatalogue,
    private readonly clock: Clock,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { loaded } = await this.catalogue.load(systemMetadata(), this.clock.now());
    if (loaded.length > 0) this.logger.log(`starter catalogue loaded: ${loaded.join(', ')}`);
  }
}
