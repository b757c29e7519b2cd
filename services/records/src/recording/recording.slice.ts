import type { EventStore } from '@gantry/event-store';
import type { Slice } from '@gantry/platform';
import type { LedgerLog } from '../ledger';
import { LedgerWriter } from './ledger-writer';
import { ProjectionsController } from './projections.controller';

/** Every topic consumed into the ledger and folded into records' projections; the projections rebuilt on demand. */
export const recordingSlice = (store: EventStore, log: LedgerLog): Slice => ({
  name: 'recording',
  doors: [ProjectionsController],
  consumers: [new LedgerWriter(store, log).consumer()],
});
