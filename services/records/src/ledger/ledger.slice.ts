import type { Slice } from '@gantry/platform';
import { ledgerMigrations } from './ledger';
import { LedgerController } from './ledger.controller';
import { LedgerGrpc } from './ledger.grpc';

/** The hash-chained ledger of every event: verified, exported, its digest kept by auditors. */
export const ledgerSlice: Slice = { name: 'ledger', migrations: ledgerMigrations, doors: [LedgerController, LedgerGrpc] };
