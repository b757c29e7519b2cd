// Original file: contracts/proto/gantry/v1/audit.proto

import type { Long } from '@grpc/proto-loader';

export interface VerifyLedgerRequest {
  'from'?: (number | string | Long);
  'to'?: (number | string | Long);
  'digest'?: (string);
  '_from'?: "from";
  '_to'?: "to";
  '_digest'?: "digest";
}

export interface VerifyLedgerRequest__Output {
  'from'?: (string);
  'to'?: (string);
  'digest'?: (string);
  '_from'?: "from";
  '_to'?: "to";
  '_digest'?: "digest";
}
