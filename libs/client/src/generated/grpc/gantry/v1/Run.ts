// Original file: contracts/proto/gantry/v1/execution.proto

import type { Long } from '@grpc/proto-loader';

export interface Run {
  'deploymentId'?: (string);
  'status'?: (string);
  'version'?: (number | string | Long);
  'outcome'?: (string);
  'reason'?: (string);
  'pausedFor'?: (string);
  'strategy'?: (string);
  'deployedTargets'?: (string)[];
  'stateJson'?: (string);
  '_outcome'?: "outcome";
  '_reason'?: "reason";
  '_pausedFor'?: "pausedFor";
  '_strategy'?: "strategy";
}

export interface Run__Output {
  'deploymentId': (string);
  'status': (string);
  'version': (string);
  'outcome'?: (string);
  'reason'?: (string);
  'pausedFor'?: (string);
  'strategy'?: (string);
  'deployedTargets': (string)[];
  'stateJson': (string);
  '_outcome'?: "outcome";
  '_reason'?: "reason";
  '_pausedFor'?: "pausedFor";
  '_strategy'?: "strategy";
}
