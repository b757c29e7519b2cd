// Original file: contracts/proto/gantry/v1/audit.proto

import type { Long } from '@grpc/proto-loader';

export interface LedgerEntry {
  'position'?: (number | string | Long);
  'recordedAt'?: (string);
  'topic'?: (string);
  'eventJson'?: (string);
  'previousHash'?: (string);
  'hash'?: (string);
  'entry'?: (string);
}

export interface LedgerEntry__Output {
  'position': (string);
  'recordedAt': (string);
  'topic': (string);
  'eventJson': (string);
  'previousHash': (string);
  'hash': (string);
  'entry': (string);
}
