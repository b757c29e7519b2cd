// Original file: contracts/proto/gantry/v1/audit.proto

import type { Long } from '@grpc/proto-loader';

export interface ExportEventsRequest {
  'from'?: (number | string | Long);
  'to'?: (number | string | Long);
  '_from'?: "from";
  '_to'?: "to";
}

export interface ExportEventsRequest__Output {
  'from'?: (string);
  'to'?: (string);
  '_from'?: "from";
  '_to'?: "to";
}
