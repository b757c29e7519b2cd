import type { Slice } from '@gantry/platform';
import { SourcesController } from './sources.controller';

/** The services' event stores compared with the ledger's record of their events (docs/source-events.md). */
export const sourcesSlice: Slice = {
  name: 'sources',
  doors: [SourcesController],
};
