/** What model review's REST API answers about reviews of deployment models (services/model-review/src/reviews). */

/** contracts' INITIATIVE_STATUSES */
export const INITIATIVE_STATUSES = ['open', 'in-progress', 'done', 'dropped'] as const;
export type InitiativeStatus = (typeof INITIATIVE_STATUSES)[number];

/** Figures computed from the model's closed deployment records when the review opened. */
export interface ReviewFindings {
  period: { from: string | null; to: string };
  deploymentsReviewed: number;
  succeeded: number;
  failed: number;
  rolledBack: number;
  cancelledOrRejected: number;
  successRate: number | null;
  productionRollbacks: number;
  failureCauses: { cause: string; count: number }[];
  leadTimeP50Ms: number | null;
  leadTimeP90Ms: number | null;
  deploymentIds: string[];
}

export interface ReviewSummary {
  reviewId: string;
  name: string;
  version: number;
  status: 'open' | 'closed';
  trigger: string;
  reason: string;
  openedAt: string;
  closedAt: string | null;
  decision: string | null;
  findings: ReviewFindings | null;
}

/** An improvement initiative registered against a review. */
export interface Initiative {
  initiativeId: string;
  title: string;
  description: string;
  /** the role that owns it */
  ownerRole: string;
  /** yyyy-mm-dd */
  dueDate: string;
  status: InitiativeStatus;
  registeredBy: string;
  registeredAt: string;
}

export interface Review {
  reviewId: string;
  status: 'open' | 'closed';
  opened: { name: string; version: number; trigger: string; reason: string; openedBy: string; openedAt: string };
  findings: ReviewFindings | null;
  /** findings a reviewer recorded by hand */
  notes: { summary: string; detail: string | null; recordedBy: string; recordedAt: string }[];
  initiatives: Initiative[];
  changeRequests: { version: number; summary: string; requestedBy: string; requestedAt: string }[];
  closed: { decision: string; rationale: string; closedBy: string; closedAt: string } | null;
  /** the review stream's version: its ETag */
  version: number;
}
