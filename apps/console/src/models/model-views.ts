/** What model review's REST API answers about deployment models (services/model-review/src/models). */

/** A version's content: the agreed way to deploy (only what the console shows is named here). */
export interface ModelContent {
  name: string;
  description?: string;
  strategy?: { type: string };
  environmentFlow?: string[];
  automationLevel?: string;
  rollbackPolicy?: string;
  backupRequired?: boolean;
  gates?: { roles: string[]; minApprovers: number; environmentKind?: string }[];
  manualSteps?: { role: string; instruction: string; evidenceRequired?: boolean }[];
  acceptanceCriteria?: { type: string; description: string }[];
  applicability?: Record<string, string[]>;
}

export type ModelStatus = 'draft' | 'active' | 'retired';
/** `pilot-failed`: published as a pilot that a failed production deployment ended */
export type VersionStatus = 'draft' | 'active' | 'superseded' | 'pilot-failed' | 'retired';

export interface ModelSummary {
  name: string;
  status: ModelStatus;
  activeVersion: number | null;
  draftVersion: number | null;
  content: ModelContent;
  /** the stream version: the model's ETag */
  version: number;
  publishedAt: string | null;
}

export interface ModelVersion {
  name: string;
  version: number;
  status: VersionStatus;
  basedOn: number | null;
  /** the review that asked for this version */
  reviewId: string | null;
  draftedAt: string;
  publishedAt: string | null;
}

export interface Model extends ModelSummary {
  versions: ModelVersion[];
  /** the active version's pilot while it lasts: its first production deployments, supervised */
  pilot: { version: number; of: number; succeeded: string[] } | null;
}

/** Closed deployments per model version and outcome (`GET /model-outcomes`); version 0: ad hoc. */
export interface ModelOutcome {
  model: string;
  version: number;
  outcome: string;
  deployments: number;
  lastClosedAt: string;
}

/** Adoption of the agreed approach in one period (`GET /model-adoption`). */
export interface AdoptionFigures {
  periodStart: string;
  planned: number;
  withActiveModel: number;
  adoptionRate: number;
}
