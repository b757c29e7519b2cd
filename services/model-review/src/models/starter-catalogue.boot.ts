import { Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { actingOnItsOwn, momentOf, type Clock } from '@gantry/platform';
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
    const id = moment.newId();
    const { loaded } = await this.catalogue.load({ ...moment, metadata: actingOnItsOwn('model-review', id, id) });
    if (loaded.length > 0) this.logger.log(`starter catalogue loaded: ${loaded.join(', ')}`);
  }
}
