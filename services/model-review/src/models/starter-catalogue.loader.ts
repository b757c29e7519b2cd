import { Injectable } from '@nestjs/common';
import { EventStore } from '@gantry/event-store';
import { loadAggregate, type CommandOrigin } from '@gantry/platform';
import { deploymentModelDecider } from './deployment-model.decider';
import { DeploymentModels, modelStream } from './models';
import { STARTER_CATALOGUE } from './starter-catalogue';

export interface CatalogueLoaded {
  /** models drafted and published as version 1 */
  loaded: string[];
  /** models that existed already (in any state, retired included): left as they are */
  skipped: string[];
}

/** Loads the starter catalogue: each model that does not exist yet is drafted and published, in one transaction. */
@Injectable()
export class StarterCatalogue {
  constructor(
    private readonly store: EventStore,
    private readonly models: DeploymentModels,
  ) {}

  async load(origin: CommandOrigin): Promise<CatalogueLoaded> {
    const result: CatalogueLoaded = { loaded: [], skipped: [] };
    const at = origin.now.toISOString();
    const by = origin.metadata.actor.subject;
    for (const content of STARTER_CATALOGUE) {
      const loaded = await this.store.db.transaction(async (tx) => {
        const { version } = await loadAggregate(this.store, deploymentModelDecider, modelStream(content.name).streamId, tx);
        if (version > 0) return false;
        await this.models.execute(content.name, { type: 'DraftDeploymentModel', content, by, at }, origin, 0, tx);
        await this.models.execute(content.name, { type: 'PublishDeploymentModel', version: 1, pilotDeployments: 0, by, at }, origin, 1, tx);
        return true;
      });
      (loaded ? result.loaded : result.skipped).push(content.name);
    }
    return result;
  }
}
