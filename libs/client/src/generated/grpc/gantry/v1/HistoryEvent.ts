// Original file: contracts/proto/gantry/v1/audit.proto

import type { Long } from '@grpc/proto-loader';

export interface HistoryEvent {
  'position'?: (number | string | Long);
  'topic'?: (string);
  'type'?: (string);
  'source'?: (string);
  'id'?: (string);
  'time'?: (string);
  'causationId'?: (string);
  'correlationId'?: (string);
  'dataJson'?: (string);
  'hash'?: (string);
  '_causationId'?: "causationId";
  '_correlationId'?: "correlationId";
}

export interface HistoryEvent__Output {
  'position': (string);
  'topic': (string);
  'type': (string);
  'source': (string);
  'id': (string);
  'time': (string);
  'causationId'?: (string);
  'correlationId'?: (string);
  'dataJson': (string);
  'hash': (string);
  '_causationId'?: "causationId";
  '_correlationId'?: "correlationId";
}
