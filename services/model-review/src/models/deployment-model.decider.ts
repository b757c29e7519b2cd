import { refuse, sameFacts, type Decider, type Rule } from '@gantry/decider';
import type {
  DeploymentModelContent,
  DeploymentModelDrafted,
  DeploymentModelPilotCompleted,
  DeploymentModelPublished,
  DeploymentModelRetired,
  DeploymentModelRevised,
  DeploymentOutcome,
  ModelPilotDeploymentSucceeded,
  ModelPilotFailed,
} from '@gantry/contracts';
import { contradictionIn } from './model-content.rules';

/** Who acts and when: time arrives in the command, the decider never reads a clock. */
interface Act {
  by: string;
  at: string;
}

export type DeploymentModelCommand =
  /** start a model (version 1), or change its pending draft */
  | ({ type: 'DraftDeploymentModel'; content: DeploymentModelContent } & Act)
  /** `pilotDeployments` > 0 publishes the version as a pilot (see `Pilot`) */
  | ({ type: 'PublishDeploymentModel'; version: number; pilotDeployments: number } & Act)
  /** start version n+1 from the active version n */
  | ({ type: 'ReviseDeploymentModel'; content: DeploymentModelContent; reviewId: string | null } & Act)
  | ({ type: 'RetireDeploymentModel'; reason: string } & Act)
  /** a deployment made with `version` closed (records' DeploymentRecordClosed); `at` is when it closed */
  | { type: 'WeighPilotDeployment'; version: number; deploymentId: string; production: boolean; outcome: DeploymentOutcome; cause: string | null; at: string };

export type DeploymentModelEvent =
  | { type: 'DeploymentModelDrafted'; data: DeploymentModelDrafted }
  | { type: 'DeploymentModelPublished'; data: DeploymentModelPublished }
  | { type: 'DeploymentModelRevised'; data: DeploymentModelRevised }
  | { type: 'DeploymentModelRetired'; data: DeploymentModelRetired }
  | { type: 'ModelPilotDeploymentSucceeded'; data: ModelPilotDeploymentSucceeded }
  | { type: 'DeploymentModelPilotCompleted'; data: DeploymentModelPilotCompleted }
  | { type: 'ModelPilotFailed'; data: ModelPilotFailed };

export interface ModelVersion {
  version: number;
  content: DeploymentModelContent;
}

export interface PendingDraft extends ModelVersion {
  basedOn: number | null;
  reviewId: string | null;
}

export type PublishedVersion = ModelVersion & { publishedAt: string };

/**
 * The active version on trial: it applies, but its production deployments are supervised by the model's owners until
 * `of` of them have succeeded (`succeeded`, deployment ids). `superseded` is the version it replaced, active again
 * if the pilot fails.
 */
export interface Pilot {
  version: number;
  of: number;
  succeeded: string[];
  superseded: PublishedVersion | null;
}

export type DeploymentModel =
  | { status: 'none' }
  /** drafted or published: `active` is the one version deployments may use, `draft` the next one being prepared */
  | { status: 'current'; name: string; active: PublishedVersion | null; draft: PendingDraft | null; latestVersion: number; pilot: Pilot | null }
  | { status: 'retired'; name: string; lastActiveVersion: number | null; latestVersion: number };

export type DeploymentModelRefusal =
  | { code: 'ModelNotFound' }
  | { code: 'ContradictoryModel'; rule: string; reason: string }
  | { code: 'ModelNameCannotChange'; name: string; requested: string }
  | { code: 'PublishedVersionCannotChange'; version: number; reason: string }
  | { code: 'ModelRetired'; name: string }
  | { code: 'NoDraftToPublish'; version: number }
  | { code: 'DraftPending'; version: number; reason: string }
  | { code: 'NoActiveVersion'; reason: string }
  | { code: 'PilotInProgress'; version: number; reason: string };

/** A version's content holds together: the first rule of model-content.rules.ts it breaks is the refusal. */
const contentMustHoldTogether: Rule<DeploymentModelContent, DeploymentModelRefusal> = (content) => {
  const contradiction = contradictionIn(content);
  return contradiction && { code: 'ContradictoryModel', ...contradiction };
};

/** A model keeps its name through all its versions. */
const nameIsFixed: Rule<{ name: string; content: DeploymentModelContent }, DeploymentModelRefusal> = ({ name, content }) =>
  content.name !== name ? { code: 'ModelNameCannotChange', name, requested: content.name } : undefined;

/** The events, unless the content contradicts itself. */
const ifContentHoldsTogether = (content: DeploymentModelContent, events: DeploymentModelEvent[]) => {
  const contradiction = contentMustHoldTogether(content);
  return contradiction ? refuse(contradiction) : events;
};

function decide(command: DeploymentModelCommand, state: DeploymentModel): readonly DeploymentModelEvent[] | ReturnType<typeof refuse<DeploymentModelRefusal>> {
  if (command.type === 'WeighPilotDeployment') return weighPilotDeployment(command, state);
  if (state.status === 'retired') {
    if (command.type === 'RetireDeploymentModel') return [];
    return refuse({ code: 'ModelRetired', name: state.name });
  }
  switch (command.type) {
    case 'DraftDeploymentModel': {
      if (state.status === 'none') {
        return ifContentHoldsTogether(command.content, [drafted(command.content.name, 1, command)]);
      }
      const renamed = nameIsFixed({ name: state.name, content: command.content });
      if (renamed) return refuse(renamed);
      if (!state.draft) {
        return refuse({
          code: 'PublishedVersionCannotChange',
          version: state.active?.version ?? state.latestVersion,
          reason: `version ${state.active?.version ?? state.latestVersion} is published and immutable; revise the model to draft version ${state.latestVersion + 1}`,
        });
      }
      if (sameFacts(state.draft.content, command.content)) return [];
      return ifContentHoldsTogether(command.content, [drafted(state.name, state.draft.version, command)]);
    }
    case 'PublishDeploymentModel': {
      if (state.status === 'none') return refuse({ code: 'ModelNotFound' });
      if (state.draft?.version === command.version) {
        // a draft written before a rule existed is checked again: nothing contradictory becomes active
        return ifContentHoldsTogether(state.draft.content, [
          {
            type: 'DeploymentModelPublished',
            data: {
              name: state.name,
              version: command.version,
              content: state.draft.content,
              supersedes: state.active?.version ?? null,
              publishedBy: command.by,
              publishedAt: command.at,
              ...(command.pilotDeployments > 0 ? { pilotDeployments: command.pilotDeployments } : {}),
            },
          },
        ]);
      }
      if (state.active?.version === command.version) return [];
      if (command.version <= state.latestVersion) {
        return refuse({ code: 'PublishedVersionCannotChange', version: command.version, reason: `version ${command.version} was published before and is no longer the draft` });
      }
      return refuse({ code: 'NoDraftToPublish', version: command.version });
    }
    case 'ReviseDeploymentModel': {
      if (state.status === 'none') return refuse({ code: 'ModelNotFound' });
      const renamed = nameIsFixed({ name: state.name, content: command.content });
      if (renamed) return refuse(renamed);
      if (state.draft) {
        if (state.draft.basedOn === (state.active?.version ?? null) && sameFacts(state.draft.content, command.content) && state.draft.reviewId === command.reviewId) return [];
        return refuse({ code: 'DraftPending', version: state.draft.version, reason: `version ${state.draft.version} is still a draft: change or publish it first` });
      }
      if (!state.active) return refuse({ code: 'NoActiveVersion', reason: 'only a published model can be revised' });
      const piloting = pilotMustEndBeforeRevision(state.pilot);
      if (piloting) return refuse(piloting);
      return ifContentHoldsTogether(command.content, [
        {
          type: 'DeploymentModelRevised',
          data: { name: state.name, version: state.latestVersion + 1, basedOn: state.active.version, content: command.content, reviewId: command.reviewId, revisedBy: command.by, revisedAt: command.at },
        },
      ]);
    }
    case 'RetireDeploymentModel': {
      if (state.status === 'none') return refuse({ code: 'ModelNotFound' });
      const last = state.active ?? state.draft;
      if (!last) return refuse({ code: 'ModelNotFound' });
      return [
        {
          type: 'DeploymentModelRetired',
          data: { name: state.name, version: state.active?.version ?? null, content: last.content, reason: command.reason, retiredBy: command.by, retiredAt: command.at },
        },
      ];
    }
    default: {
      const unknown: never = command;
      throw new Error(`unknown command ${JSON.stringify(unknown)}`);
    }
  }
}

/** A version on trial is revised once its pilot has ended: a failed pilot returns its content as the next draft itself. */
const pilotMustEndBeforeRevision: Rule<Pilot | null, DeploymentModelRefusal> = (pilot) =>
  pilot ? { code: 'PilotInProgress', version: pilot.version, reason: `version ${pilot.version} is piloting (${pilot.succeeded.length} of ${pilot.of} deployments succeeded): revise it once the pilot has ended` } : undefined;

/**
 * A closed deployment weighed against the pilot: only production deployments of the piloted version count (a failure
 * in test or staging is what those stages are for); cancelled and rejected ones never ran and count for nothing.
 */
function weighPilotDeployment(command: Extract<DeploymentModelCommand, { type: 'WeighPilotDeployment' }>, state: DeploymentModel): DeploymentModelEvent[] {
  if (state.status !== 'current' || !state.pilot || !state.active) return [];
  const { pilot, name, active } = state;
  if (pilot.version !== command.version || !command.production || pilot.succeeded.includes(command.deploymentId)) return [];
  const { deploymentId, outcome, at } = command;
  if (outcome === 'succeeded') {
    const succeeded = [...pilot.succeeded, deploymentId];
    const events: DeploymentModelEvent[] = [{ type: 'ModelPilotDeploymentSucceeded', data: { name, version: pilot.version, deploymentId, succeeded: succeeded.length, of: pilot.of, closedAt: at } }];
    if (succeeded.length >= pilot.of) events.push({ type: 'DeploymentModelPilotCompleted', data: { name, version: pilot.version, deploymentIds: succeeded, completedAt: at } });
    return events;
  }
  if (outcome !== 'failed' && outcome !== 'rolled-back') return [];
  const reinstated = pilot.superseded && { version: pilot.superseded.version, content: pilot.superseded.content };
  return [
    {
      type: 'ModelPilotFailed',
      data: { name, version: active.version, deploymentId, outcome, reason: command.cause ?? `deployment ${deploymentId} ${outcome}`, draftVersion: state.latestVersion + 1, reinstated, failedAt: at },
    },
  ];
}

const drafted = (name: string, version: number, command: { content: DeploymentModelContent } & Act): DeploymentModelEvent => ({
  type: 'DeploymentModelDrafted',
  data: { name, version, content: command.content, draftedBy: command.by, draftedAt: command.at },
});

function evolve(state: DeploymentModel, event: DeploymentModelEvent): DeploymentModel {
  switch (event.type) {
    case 'DeploymentModelDrafted': {
      const { name, version, content } = event.data;
      if (state.status === 'current' && state.draft) return { ...state, draft: { ...state.draft, content } };
      return { status: 'current', name, active: null, draft: { version, content, basedOn: null, reviewId: null }, latestVersion: version, pilot: null };
    }
    case 'DeploymentModelRevised': {
      if (state.status !== 'current') return state;
      const { version, content, basedOn, reviewId } = event.data;
      return { ...state, draft: { version, content, basedOn, reviewId }, latestVersion: version };
    }
    case 'DeploymentModelPublished': {
      if (state.status !== 'current') return state;
      const { version, content, publishedAt, pilotDeployments } = event.data;
      const pilot = pilotDeployments ? { version, of: pilotDeployments, succeeded: [], superseded: state.active } : null;
      return { ...state, active: { version, content, publishedAt }, draft: null, latestVersion: Math.max(state.latestVersion, version), pilot };
    }
    case 'ModelPilotDeploymentSucceeded':
      if (state.status !== 'current' || !state.pilot) return state;
      return { ...state, pilot: { ...state.pilot, succeeded: [...state.pilot.succeeded, event.data.deploymentId] } };
    case 'DeploymentModelPilotCompleted':
      if (state.status !== 'current') return state;
      return { ...state, pilot: null };
    case 'ModelPilotFailed': {
      if (state.status !== 'current' || !state.active) return state;
      const { draftVersion } = event.data;
      const reinstated = state.pilot?.superseded ?? null;
      return { ...state, active: reinstated, draft: { version: draftVersion, content: state.active.content, basedOn: reinstated?.version ?? null, reviewId: null }, latestVersion: draftVersion, pilot: null };
    }
    case 'DeploymentModelRetired':
      if (state.status !== 'current') return state;
      return { status: 'retired', name: state.name, lastActiveVersion: event.data.version, latestVersion: state.latestVersion };
    default: {
      const unknown: never = event;
      throw new Error(`unknown event ${JSON.stringify(unknown)}`);
    }
  }
}

/**
 * A deployment model, versioned: draft → published (active, immutable; maybe first as a pilot) → superseded by the
 * next → retired. A failed pilot returns the version's content as the next draft.
 */
export const deploymentModelDecider: Decider<DeploymentModelCommand, DeploymentModelEvent, DeploymentModel, DeploymentModelRefusal> = {
  initialState: { status: 'none' },
  decide,
  evolve,
};
