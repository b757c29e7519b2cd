// Original file: contracts/proto/gantry/v1/audit.proto

import type { HistoryEvent as _gantry_v1_HistoryEvent, HistoryEvent__Output as _gantry_v1_HistoryEvent__Output } from '../../gantry/v1/HistoryEvent';
import type { LedgerIntegrity as _gantry_v1_LedgerIntegrity, LedgerIntegrity__Output as _gantry_v1_LedgerIntegrity__Output } from '../../gantry/v1/LedgerIntegrity';

export interface DeploymentHistory {
  'deploymentId'?: (string);
  'stateJson'?: (string);
  'history'?: (_gantry_v1_HistoryEvent)[];
  'integrity'?: (_gantry_v1_LedgerIntegrity | null);
}

export interface DeploymentHistory__Output {
  'deploymentId': (string);
  'stateJson': (string);
  'history': (_gantry_v1_HistoryEvent__Output)[];
  'integrity': (_gantry_v1_LedgerIntegrity__Output | null);
}
