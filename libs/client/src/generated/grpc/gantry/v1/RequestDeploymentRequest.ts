// Original file: contracts/proto/gantry/v1/deployments.proto

import type { Component as _gantry_v1_Component, Component__Output as _gantry_v1_Component__Output } from '../../gantry/v1/Component';
import type { Window as _gantry_v1_Window, Window__Output as _gantry_v1_Window__Output } from '../../gantry/v1/Window';
import type { AcceptanceCriterion as _gantry_v1_AcceptanceCriterion, AcceptanceCriterion__Output as _gantry_v1_AcceptanceCriterion__Output } from '../../gantry/v1/AcceptanceCriterion';
import type { Promotion as _gantry_v1_Promotion, Promotion__Output as _gantry_v1_Promotion__Output } from '../../gantry/v1/Promotion';

export interface RequestDeploymentRequest {
  'changeId'?: (string);
  'releaseId'?: (string);
  'service'?: (string);
  'kind'?: (string);
  'components'?: (_gantry_v1_Component)[];
  'environment'?: (string);
  'window'?: (_gantry_v1_Window | null);
  'acceptanceCriteria'?: (_gantry_v1_AcceptanceCriterion)[];
  'model'?: (string);
  'targets'?: (string)[];
  'changeType'?: (string);
  'changeState'?: (string);
  'adHoc'?: (boolean);
  'freezeOverrideReason'?: (string);
  'nextAvailableMinutes'?: (number);
  'promotionOverrideReason'?: (string);
  'commitTime'?: (string);
  'authorisation'?: (string);
  'monitoringSeconds'?: (number);
  'promote'?: (_gantry_v1_Promotion | null);
  '_releaseId'?: "releaseId";
  '_model'?: "model";
  '_adHoc'?: "adHoc";
  '_freezeOverrideReason'?: "freezeOverrideReason";
  '_nextAvailableMinutes'?: "nextAvailableMinutes";
  '_promotionOverrideReason'?: "promotionOverrideReason";
  '_commitTime'?: "commitTime";
  '_authorisation'?: "authorisation";
  '_monitoringSeconds'?: "monitoringSeconds";
  '_promote'?: "promote";
}

export interface RequestDeploymentRequest__Output {
  'changeId': (string);
  'releaseId'?: (string);
  'service': (string);
  'kind': (string);
  'components': (_gantry_v1_Component__Output)[];
  'environment': (string);
  'window': (_gantry_v1_Window__Output | null);
  'acceptanceCriteria': (_gantry_v1_AcceptanceCriterion__Output)[];
  'model'?: (string);
  'targets': (string)[];
  'changeType': (string);
  'changeState': (string);
  'adHoc'?: (boolean);
  'freezeOverrideReason'?: (string);
  'nextAvailableMinutes'?: (number);
  'promotionOverrideReason'?: (string);
  'commitTime'?: (string);
  'authorisation'?: (string);
  'monitoringSeconds'?: (number);
  'promote'?: (_gantry_v1_Promotion__Output | null);
  '_releaseId'?: "releaseId";
  '_model'?: "model";
  '_adHoc'?: "adHoc";
  '_freezeOverrideReason'?: "freezeOverrideReason";
  '_nextAvailableMinutes'?: "nextAvailableMinutes";
  '_promotionOverrideReason'?: "promotionOverrideReason";
  '_commitTime'?: "commitTime";
  '_authorisation'?: "authorisation";
  '_monitoringSeconds'?: "monitoringSeconds";
  '_promote'?: "promote";
}
