import { Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { momentOf, type Clock } from '@gantry/platform';
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
    const moment = momentOf(this.clock);
    const { loaded } = await this.catalogue.load({ ...moment, metadata: systemMetadata(moment.newId()) });
    if (loaded.length > 0) this.logger.log(`starter catalogue loaded: ${loaded.join(', ')}`);
  }
}
