import type { ServiceRuntime, Slice } from '@gantry/platform';
import { ledgerMigrations } from './ledger';
import { CheckpointDeliveries, checkpointDeliveryMigrations, type CheckpointDeliveryOptions } from './checkpoint-deliveries';
import { destinationsOf, type CheckpointDeliveryPolicy } from './checkpoint-destinations';
import { CheckpointsController, WellKnownLedgerKeyController } from './checkpoints.controller';
import { LedgerCheckpointer } from './ledger-checkpointer';
import { LedgerCosigner } from './ledger-cosigner';
import { LedgerLog } from './ledger-log';
import { LedgerController } from './ledger.controller';
import { LedgerGrpc } from './ledger.grpc';
import { ProofsController } from './proofs.controller';
import { ProofsGrpc } from './proofs.grpc';

/**
 * The hash-chained ledger of every event and its Merkle tree: verified, exported, proved; its checkpoints signed by
 * the installation's key, served with the key, published on gantry.ledger.checkpoints.v1 and delivered where the
 * operator says; its digest kept by auditors.
 */
export const ledgerSlice = (log: LedgerLog, runtime: ServiceRuntime, delivery: CheckpointDeliveryPolicy & CheckpointDeliveryOptions = {}): Slice => ({
  name: 'ledger',
  migrations: [...ledgerMigrations, ...checkpointDeliveryMigrations],
  doors: [LedgerController, CheckpointsController, WellKnownLedgerKeyController, ProofsController, LedgerGrpc, ProofsGrpc],
  provides: [
    { provide: LedgerLog, useValue: log },
    { provide: LedgerCheckpointer, useValue: new LedgerCheckpointer(runtime.db, log, runtime.clock) },
    { provide: LedgerCosigner, useValue: new LedgerCosigner(runtime.db, log) },
    { provide: CheckpointDeliveries, useValue: new CheckpointDeliveries(runtime.db, log.schema, destinationsOf(delivery), delivery) },
  ],
});
