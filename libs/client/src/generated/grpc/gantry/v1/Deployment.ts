// Original file: contracts/proto/gantry/v1/deployments.proto

import type { ModelRef as _gantry_v1_ModelRef, ModelRef__Output as _gantry_v1_ModelRef__Output } from '../../gantry/v1/ModelRef';
import type { Component as _gantry_v1_Component, Component__Output as _gantry_v1_Component__Output } from '../../gantry/v1/Component';
import type { Window as _gantry_v1_Window, Window__Output as _gantry_v1_Window__Output } from '../../gantry/v1/Window';
import type { Wave as _gantry_v1_Wave, Wave__Output as _gantry_v1_Wave__Output } from '../../gantry/v1/Wave';
import type { AcceptanceCriterion as _gantry_v1_AcceptanceCriterion, AcceptanceCriterion__Output as _gantry_v1_AcceptanceCriterion__Output } from '../../gantry/v1/AcceptanceCriterion';
import type { AuthorisedBy as _gantry_v1_AuthorisedBy, AuthorisedBy__Output as _gantry_v1_AuthorisedBy__Output } from '../../gantry/v1/AuthorisedBy';
import type { ChainStage as _gantry_v1_ChainStage, ChainStage__Output as _gantry_v1_ChainStage__Output } from '../../gantry/v1/ChainStage';
import type { Long } from '@grpc/proto-loader';

export interface Deployment {
  'id'?: (string);
  'status'?: (string);
  'version'?: (number | string | Long);
  'changeId'?: (string);
  'releaseId'?: (string);
  'service'?: (string);
  'kind'?: (string);
  'environment'?: (string);
  'model'?: (_gantry_v1_ModelRef | null);
  'components'?: (_gantry_v1_Component)[];
  'window'?: (_gantry_v1_Window | null);
  'waves'?: (_gantry_v1_Wave)[];
  'acceptanceCriteria'?: (_gantry_v1_AcceptanceCriterion)[];
  'requestedBy'?: (string);
  'cause'?: (string);
  'requestedAt'?: (string);
  'strategy'?: (string);
  'rejectionDetails'?: (string);
  'commitTime'?: (string);
  'authorisedBy'?: (_gantry_v1_AuthorisedBy | null);
  'chain'?: (_gantry_v1_ChainStage | null);
  '_releaseId'?: "releaseId";
  '_model'?: "model";
  '_cause'?: "cause";
  '_strategy'?: "strategy";
  '_rejectionDetails'?: "rejectionDetails";
  '_commitTime'?: "commitTime";
  '_authorisedBy'?: "authorisedBy";
  '_chain'?: "chain";
}

export interface Deployment__Output {
  'id': (string);
  'status': (string);
  'version': (string);
  'changeId': (string);
  'releaseId'?: (string);
  'service': (string);
  'kind': (string);
  'environment': (string);
  'model'?: (_gantry_v1_ModelRef__Output | null);
  'components': (_gantry_v1_Component__Output)[];
  'window': (_gantry_v1_Window__Output | null);
  'waves': (_gantry_v1_Wave__Output)[];
  'acceptanceCriteria': (_gantry_v1_AcceptanceCriterion__Output)[];
  'requestedBy': (string);
  'cause'?: (string);
  'requestedAt': (string);
  'strategy'?: (string);
  'rejectionDetails'?: (string);
  'commitTime'?: (string);
  'authorisedBy'?: (_gantry_v1_AuthorisedBy__Output | null);
  'chain'?: (_gantry_v1_ChainStage__Output | null);
  '_releaseId'?: "releaseId";
  '_model'?: "model";
  '_cause'?: "cause";
  '_strategy'?: "strategy";
  '_rejectionDetails'?: "rejectionDetails";
  '_commitTime'?: "commitTime";
  '_authorisedBy'?: "authorisedBy";
  '_chain'?: "chain";
}
