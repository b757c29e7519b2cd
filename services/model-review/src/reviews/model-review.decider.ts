import { refuse, sameFacts, type Decider, type Refused } from '@gantry/decider';
import type {
  DeploymentModelUpdateCommunicated,
  ImprovementInitiativeRegistered,
  ImprovementInitiativeStatusChanged,
  InitiativeStatus,
  ModelChangeRequested,
  ModelReviewClosed,
  ModelReviewOpened,
  ReviewDecision,
  ReviewFindingRecorded,
  ReviewFindings,
  ReviewFindingsComputed,
  ReviewTrigger,
} from '@gantry/contracts';

interface Act {
  by: string;
  at: string;
}

/** The reviews of one model, as one stream: the n-th review's id is `<name>:<n>`. */
export type ModelReviewCommand =
  | ({ type: 'OpenModelReview'; name: string; version: number; trigger: ReviewTrigger; reason: string; findings: ReviewFindings } & Act)
  | ({ type: 'RecordReviewFinding'; reviewId: string; summary: string; detail: string | null } & Act)
  | ({ type: 'RegisterImprovementInitiative'; reviewId: string; initiativeId: string; title: string; description: string; ownerRole: string; dueDate: string } & Act)
  | ({ type: 'ChangeInitiativeStatus'; reviewId: string; initiativeId: string; status: InitiativeStatus } & Act)
  | ({ type: 'RequestModelChange'; reviewId: string; version: number; summary: string } & Act)
  | ({ type: 'CloseModelReview'; reviewId: string; decision: ReviewDecision; rationale: string } & Act)
  | { type: 'CommunicateModelUpdate'; reviewId: string; version: number; previousVersion: number | null; at: string };

export type ModelReviewEvent =
  | { type: 'ModelReviewOpened'; data: ModelReviewOpened }
  | { type: 'ReviewFindingsComputed'; data: ReviewFindingsComputed }
  | { type: 'ReviewFindingRecorded'; data: ReviewFindingRecorded }
  | { type: 'ImprovementInitiativeRegistered'; data: ImprovementInitiativeRegistered }
  | { type: 'ImprovementInitiativeStatusChanged'; data: ImprovementInitiativeStatusChanged }
  | { type: 'ModelChangeRequested'; data: ModelChangeRequested }
  | { type: 'ModelReviewClosed'; data: ModelReviewClosed }
  | { type: 'DeploymentModelUpdateCommunicated'; data: DeploymentModelUpdateCommunicated };

export interface Review {
  reviewId: string;
  status: 'open' | 'closed';
  opened: ModelReviewOpened;
  findings: ReviewFindings | null;
  notes: ReviewFindingRecorded[];
  initiatives: ImprovementInitiativeRegistered[];
  changeRequests: ModelChangeRequested[];
  closed: ModelReviewClosed | null;
  communicated: DeploymentModelUpdateCommunicated[];
}

/** A model's reviews; at most one is open. */
export interface ModelReviews {
  reviews: Review[];
}

export type ModelReviewRefusal =
  | { code: 'ReviewAlreadyOpen'; reviewId: string }
  | { code: 'ReviewNotFound'; reviewId: string }
  | { code: 'ReviewClosed'; reviewId: string }
  | { code: 'InitiativeIdTaken'; initiativeId: string }
  | { code: 'InitiativeNotFound'; initiativeId: string };

export const reviewIdOf = (name: string, n: number) => `${name}:${n}`;

/** `payments-web:3` → `payments-web`; undefined when it is not a review id. */
export const modelOfReview = (reviewId: string): string | undefined => /^([A-Za-z0-9][A-Za-z0-9._-]{0,99}):[1-9][0-9]{0,8}$/.exec(reviewId)?.[1];

const openReviewOf = (state: ModelReviews) => state.reviews.find((r) => r.status === 'open');

type Outcome = readonly ModelReviewEvent[] | Refused<ModelReviewRefusal>;

/** The review a command is about, open unless `closedToo`. */
function reviewFor(state: ModelReviews, reviewId: string, closedToo = false): Review | Refused<ModelReviewRefusal> {
  const review = state.reviews.find((r) => r.reviewId === reviewId);
  if (!review) return refuse({ code: 'ReviewNotFound', reviewId });
  if (review.status === 'closed' && !closedToo) return refuse({ code: 'ReviewClosed', reviewId });
  return review;
}
const isReview = (value: Review | Refused<ModelReviewRefusal>): value is Review => 'reviewId' in value;

function decide(command: ModelReviewCommand, state: ModelReviews): Outcome {
  switch (command.type) {
    case 'OpenModelReview': {
      const open = openReviewOf(state);
      // an automatic trigger finds the model already under review: that review covers it
      if (open) return command.trigger === 'manual' ? refuse({ code: 'ReviewAlreadyOpen', reviewId: open.reviewId }) : [];
      const reviewId = reviewIdOf(command.name, state.reviews.length + 1);
      return [
        {
          type: 'ModelReviewOpened',
          data: { reviewId, name: command.name, version: command.version, trigger: command.trigger, reason: command.reason, openedBy: command.by, openedAt: command.at },
        },
        { type: 'ReviewFindingsComputed', data: { reviewId, name: command.name, findings: command.findings } },
      ];
    }
    case 'RecordReviewFinding': {
      const review = reviewFor(state, command.reviewId);
      if (!isReview(review)) return review;
      if (review.notes.some((n) => n.summary === command.summary && n.detail === command.detail)) return [];
      return [
        {
          type: 'ReviewFindingRecorded',
          data: { reviewId: review.reviewId, name: review.opened.name, summary: command.summary, detail: command.detail, recordedBy: command.by, recordedAt: command.at },
        },
      ];
    }
    case 'RegisterImprovementInitiative': {
      const review = reviewFor(state, command.reviewId);
      if (!isReview(review)) return review;
      const { initiativeId, title, description, ownerRole, dueDate } = command;
      const known = state.reviews.flatMap((r) => r.initiatives).find((i) => i.initiativeId === initiativeId);
      if (known) {
        const same = known.reviewId === review.reviewId && sameFacts({ title, description, ownerRole, dueDate }, { title: known.title, description: known.description, ownerRole: known.ownerRole, dueDate: known.dueDate });
        return same ? [] : refuse({ code: 'InitiativeIdTaken', initiativeId });
      }
      return [
        {
          type: 'ImprovementInitiativeRegistered',
          data: { reviewId: review.reviewId, name: review.opened.name, initiativeId, title, description, ownerRole, dueDate, status: 'open', registeredBy: command.by, registeredAt: command.at },
        },
      ];
    }
    case 'ChangeInitiativeStatus': {
      // an initiative outlives its review: it moves on after the review closed too
      const review = reviewFor(state, command.reviewId, true);
      if (!isReview(review)) return review;
      const initiative = review.initiatives.find((i) => i.initiativeId === command.initiativeId);
      if (!initiative) return refuse({ code: 'InitiativeNotFound', initiativeId: command.initiativeId });
      if (initiative.status === command.status) return [];
      return [
        {
          type: 'ImprovementInitiativeStatusChanged',
          data: { reviewId: review.reviewId, name: review.opened.name, initiativeId: initiative.initiativeId, status: command.status, changedBy: command.by, changedAt: command.at },
        },
      ];
    }
    case 'RequestModelChange': {
      const review = reviewFor(state, command.reviewId);
      if (!isReview(review)) return review;
      if (review.changeRequests.some((c) => c.summary === command.summary && c.version === command.version)) return [];
      return [
        {
          type: 'ModelChangeRequested',
          data: { reviewId: review.reviewId, name: review.opened.name, version: command.version, summary: command.summary, requestedBy: command.by, requestedAt: command.at },
        },
      ];
    }
    case 'CloseModelReview': {
      const review = reviewFor(state, command.reviewId, true);
      if (!isReview(review)) return review;
      if (review.closed) return review.closed.decision === command.decision && review.closed.rationale === command.rationale ? [] : refuse({ code: 'ReviewClosed', reviewId: review.reviewId });
      return [
        {
          type: 'ModelReviewClosed',
          data: { reviewId: review.reviewId, name: review.opened.name, decision: command.decision, rationale: command.rationale, closedBy: command.by, closedAt: command.at },
        },
      ];
    }
    case 'CommunicateModelUpdate': {
      const review = reviewFor(state, command.reviewId, true);
      if (!isReview(review)) return review;
      if (review.communicated.some((c) => c.version === command.version)) return [];
      return [
        {
          type: 'DeploymentModelUpdateCommunicated',
          data: {
            reviewId: review.reviewId,
            name: review.opened.name,
            version: command.version,
            previousVersion: command.previousVersion,
            audience: { services: review.findings?.services ?? [], environments: review.findings?.environments ?? [] },
            communicatedAt: command.at,
          },
        },
      ];
    }
    default: {
      const unknown: never = command;
      throw new Error(`unknown command ${JSON.stringify(unknown)}`);
    }
  }
}

const updateReview = (state: ModelReviews, reviewId: string, change: (r: Review) => Review): ModelReviews => ({
  reviews: state.reviews.map((r) => (r.reviewId === reviewId ? change(r) : r)),
});

function evolve(state: ModelReviews, event: ModelReviewEvent): ModelReviews {
  switch (event.type) {
    case 'ModelReviewOpened':
      return {
        reviews: [
          ...state.reviews,
          { reviewId: event.data.reviewId, status: 'open', opened: event.data, findings: null, notes: [], initiatives: [], changeRequests: [], closed: null, communicated: [] },
        ],
      };
    case 'ReviewFindingsComputed':
      return updateReview(state, event.data.reviewId, (r) => ({ ...r, findings: event.data.findings }));
    case 'ReviewFindingRecorded':
      return updateReview(state, event.data.reviewId, (r) => ({ ...r, notes: [...r.notes, event.data] }));
    case 'ImprovementInitiativeRegistered':
      return updateReview(state, event.data.reviewId, (r) => ({ ...r, initiatives: [...r.initiatives, event.data] }));
    case 'ImprovementInitiativeStatusChanged':
      return updateReview(state, event.data.reviewId, (r) => ({
        ...r,
        initiatives: r.initiatives.map((i) => (i.initiativeId === event.data.initiativeId ? { ...i, status: event.data.status } : i)),
      }));
    case 'ModelChangeRequested':
      return updateReview(state, event.data.reviewId, (r) => ({ ...r, changeRequests: [...r.changeRequests, event.data] }));
    case 'ModelReviewClosed':
      return updateReview(state, event.data.reviewId, (r) => ({ ...r, status: 'closed', closed: event.data }));
    case 'DeploymentModelUpdateCommunicated':
      return updateReview(state, event.data.reviewId, (r) => ({ ...r, communicated: [...r.communicated, event.data] }));
    default: {
      const unknown: never = event;
      throw new Error(`unknown event ${JSON.stringify(unknown)}`);
    }
  }
}

/** The reviews of one deployment model: opened on schedule, on failures or by hand; never two open at once. */
export const modelReviewDecider: Decider<ModelReviewCommand, ModelReviewEvent, ModelReviews, ModelReviewRefusal> = {
  initialState: { reviews: [] },
  decide,
  evolve,
};
