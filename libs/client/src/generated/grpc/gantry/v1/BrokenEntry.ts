// Original file: contracts/proto/gantry/v1/audit.proto

import type { Long } from '@grpc/proto-loader';

export interface BrokenEntry {
  'position'?: (number | string | Long);
  'eventId'?: (string);
  'reason'?: (string);
  '_eventId'?: "eventId";
}

export interface BrokenEntry__Output {
  'position': (string);
  'eventId'?: (string);
  'reason': (string);
  '_eventId'?: "eventId";
}
