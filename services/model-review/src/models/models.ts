import { BadRequestException, Injectable } from '@nestjs/common';
import { validatePayload, type DeploymentModelContent, type DeploymentModelRevised } from '@gantry/contracts';
import { EventStore, type SqlClient } from '@gantry/event-store';
import { executeCommand, loadAggregate, NotFound, RuleRefused, type CommandOrigin, type RequestContext } from '@gantry/platform';
import { deploymentModelDecider, type DeploymentModelCommand, type DeploymentModelEvent } from './deployment-model.decider';
import { listModels, projectModelEvents, type ModelFilter, type ModelStatus, type ModelSummary } from './models.read-model';
import type { ReviewsOfModels } from './reviews-of-models';

export const modelStream = (name: string) => ({ streamId: `DeploymentModel-${name}`, streamType: 'DeploymentModel' });

/** `pilot-failed`: published as a pilot that a failed production deployment ended; its content became the next draft. */
export type VersionStatus = 'draft' | 'active' | 'superseded' | 'pilot-failed' | 'retired';

/** Published versions are pilots unless the publisher says otherwise. */
export const DEFAULT_PILOT_DEPLOYMENTS = 3;

/** The pilot of the active version, while it lasts. */
export interface PilotView {
  version: number;
  /** successful production deployments the pilot needs */
  of: number;
  succeeded: string[];
}

export interface ModelVersionView {
  name: string;
  version: number;
  status: VersionStatus;
  content: DeploymentModelContent;
  basedOn: number | null;
  reviewId: string | null;
  draftedAt: string;
  publishedAt: string | null;
}

export interface ModelView extends ModelSummary {
  versions: Omit<ModelVersionView, 'content'>[];
  pilot: PilotView | null;
}

/** What the edge does with a command that was refused: the status says whether asking again could ever work. */
const atTheEdge = (error: unknown): never => {
  if (error instanceof RuleRefused) {
    if (error.code === 'ModelNotFound') throw new NotFound('the deployment model does not exist');
    if (error.code === 'ContradictoryModel') throw new RuleRefused(error.code, error.details, 422);
  }
  throw error;
};

/** Every version of a model, from its stream. */
function versionsOf(events: readonly DeploymentModelEvent[]): ModelVersionView[] {
  const versions = new Map<number, ModelVersionView>();
  for (const event of events) {
    switch (event.type) {
      case 'DeploymentModelDrafted': {
        const { name, version, content, draftedAt } = event.data;
        const known = versions.get(version);
        versions.set(version, known ? { ...known, content } : { name, version, status: 'draft', content, basedOn: null, reviewId: null, draftedAt, publishedAt: null });
        break;
      }
      case 'DeploymentModelRevised': {
        const { name, version, content, basedOn, reviewId, revisedAt } = event.data;
        versions.set(version, { name, version, status: 'draft', content, basedOn, reviewId, draftedAt: revisedAt, publishedAt: null });
        break;
      }
      case 'DeploymentModelPublished': {
        const { version, supersedes, publishedAt } = event.data;
        if (supersedes !== null) versions.set(supersedes, { ...versions.get(supersedes)!, status: 'superseded' });
        versions.set(version, { ...versions.get(version)!, status: 'active', publishedAt });
        break;
      }
      case 'DeploymentModelRetired':
        for (const [n, v] of versions) if (v.status === 'active' || v.status === 'draft') versions.set(n, { ...v, status: 'retired' });
        break;
      case 'ModelPilotDeploymentSucceeded':
      case 'DeploymentModelPilotCompleted':
        break;
      case 'ModelPilotFailed': {
        const { name, version, draftVersion, reinstated, failedAt } = event.data;
        const failed = versions.get(version)!;
        versions.set(version, { ...failed, status: 'pilot-failed' });
        if (reinstated) versions.set(reinstated.version, { ...versions.get(reinstated.version)!, status: 'active' });
        versions.set(draftVersion, { name, version: draftVersion, status: 'draft', content: failed.content, basedOn: reinstated?.version ?? null, reviewId: null, draftedAt: failedAt, publishedAt: null });
        break;
      }
      default: {
        const unknown: never = event;
        throw new Error(`unknown event ${JSON.stringify(unknown)}`);
      }
    }
  }
  return [...versions.values()].sort((a, b) => a.version - b.version);
}

/** The pilot still running, from the model's stream. */
function pilotOf(events: readonly DeploymentModelEvent[]): PilotView | null {
  return events.reduce<PilotView | null>((pilot, event) => {
    switch (event.type) {
      case 'DeploymentModelPublished':
        return event.data.pilotDeployments ? { version: event.data.version, of: event.data.pilotDeployments, succeeded: [] } : null;
      case 'ModelPilotDeploymentSucceeded':
        return pilot && { ...pilot, succeeded: [...pilot.succeeded, event.data.deploymentId] };
      case 'DeploymentModelPilotCompleted':
      case 'ModelPilotFailed':
      case 'DeploymentModelRetired':
        return null;
      default:
        return pilot;
    }
  }, null);
}

/** The content checked against the contract: a malformed model is a 400 naming the field, before any rule is weighed. */
export function checkedContent(content: unknown): DeploymentModelContent {
  const invalid = validatePayload('DeploymentModelDrafted', { name: 'x', version: 1, content, draftedBy: 'x', draftedAt: new Date(0).toISOString() });
  if (invalid) throw new BadRequestException(invalid);
  return content as DeploymentModelContent;
}

/** The application service of deployment models: one command path for REST, the catalogue loader and reviews. */
@Injectable()
export class DeploymentModels {
  constructor(
    private readonly store: EventStore,
    private readonly reviews: ReviewsOfModels,
  ) {}

  /**
   * Runs a command and, in the same transaction, updates the catalogue read model and tells the model's reviews what
   * was published (with the review a revision answers) or retired.
   */
  async execute(name: string, command: DeploymentModelCommand, origin: Pick<CommandOrigin, 'metadata' | 'newId'>, expectedVersion?: number, tx?: SqlClient) {
    const run = async (t: SqlClient) => {
      const result = await executeCommand(this.store, deploymentModelDecider, modelStream(name), command, { metadata: origin.metadata, newId: origin.newId, expectedVersion }, t).catch(atTheEdge);
      await projectModelEvents(t, this.store.schema, result.events, result.version, command.at);
      for (const event of result.events) {
        if (event.type === 'DeploymentModelRetired') await this.reviews.retired(name, t);
        if (event.type !== 'DeploymentModelPublished') continue;
        const history = await this.store.readStream(modelStream(name).streamId, t);
        const revision = history.find((e) => e.type === 'DeploymentModelRevised' && (e.data as DeploymentModelRevised).version === event.data.version);
        await this.reviews.published(name, event.data, (revision?.data as DeploymentModelRevised | undefined)?.reviewId ?? null, origin, t);
      }
      return result;
    };
    return tx ? run(tx) : this.store.db.transaction(run);
  }

  async draftNew(content: unknown, context: RequestContext): Promise<ModelView> {
    const checked = checkedContent(content);
    const existing = await loadAggregate(this.store, deploymentModelDecider, modelStream(checked.name).streamId);
    if (existing.version > 0) throw new RuleRefused('ModelAlreadyExists', { name: checked.name, hint: 'change its draft or revise it' });
    await this.execute(checked.name, { type: 'DraftDeploymentModel', content: checked, by: context.identity.subject, at: context.now.toISOString() }, context, 0);
    return this.get(checked.name);
  }

  async changeDraft(name: string, content: unknown, expectedVersion: number, context: RequestContext): Promise<ModelView> {
    const checked = checkedContent(content);
    await this.mustExist(name);
    await this.execute(name, { type: 'DraftDeploymentModel', content: checked, by: context.identity.subject, at: context.now.toISOString() }, context, expectedVersion);
    return this.get(name);
  }

  async publish(name: string, version: number, pilotDeployments: number, expectedVersion: number, context: RequestContext): Promise<ModelView> {
    await this.mustExist(name);
    await this.execute(name, { type: 'PublishDeploymentModel', version, pilotDeployments, by: context.identity.subject, at: context.now.toISOString() }, context, expectedVersion);
    return this.get(name);
  }

  async revise(name: string, content: unknown, reviewId: string | null, expectedVersion: number, context: RequestContext): Promise<ModelView> {
    const checked = checkedContent(content);
    await this.mustExist(name);
    if (reviewId !== null && !(await this.reviews.exists(reviewId, name))) throw new RuleRefused('UnknownReview', { reviewId, reason: `${name} has no review ${reviewId}` }, 422);
    await this.execute(name, { type: 'ReviseDeploymentModel', content: checked, reviewId, by: context.identity.subject, at: context.now.toISOString() }, context, expectedVersion);
    return this.get(name);
  }

  async retire(name: string, reason: string, expectedVersion: number, context: RequestContext): Promise<ModelView> {
    await this.mustExist(name);
    await this.execute(name, { type: 'RetireDeploymentModel', reason, by: context.identity.subject, at: context.now.toISOString() }, context, expectedVersion);
    return this.get(name);
  }

  list(filter: ModelFilter): Promise<ModelSummary[]> {
    return listModels(this.store.db, this.store.schema, filter);
  }

  async get(name: string): Promise<ModelView> {
    const history = await this.history(name);
    const versions = versionsOf(history);
    const active = versions.find((v) => v.status === 'active');
    const draft = versions.find((v) => v.status === 'draft');
    const retired = history.some((e) => e.type === 'DeploymentModelRetired');
    const last = history[history.length - 1];
    const status: ModelStatus = retired ? 'retired' : active ? 'active' : 'draft';
    return {
      name,
      status,
      activeVersion: active?.version ?? null,
      draftVersion: draft?.version ?? null,
      content: (active ?? draft)?.content ?? (last.data as { content: DeploymentModelContent }).content,
      version: history.length,
      publishedAt: active?.publishedAt ?? null,
      versions: versions.map(({ content: _content, ...rest }) => rest),
      pilot: pilotOf(history),
    };
  }

  async getVersion(name: string, version: number): Promise<ModelVersionView & { streamVersion: number }> {
    const history = await this.history(name);
    const found = versionsOf(history).find((v) => v.version === version);
    if (!found) throw new NotFound(`deployment model ${name} has no version ${version}`);
    return { ...found, streamVersion: history.length };
  }

  private async history(name: string): Promise<DeploymentModelEvent[]> {
    const events = await this.store.readStream(modelStream(name).streamId);
    if (events.length === 0) throw new NotFound(`deployment model ${name} does not exist`);
    return events.map((e) => ({ type: e.type, data: e.data }) as DeploymentModelEvent);
  }

  private async mustExist(name: string): Promise<void> {
    const { version } = await loadAggregate(this.store, deploymentModelDecider, modelStream(name).streamId);
    if (version === 0) throw new NotFound(`deployment model ${name} does not exist`);
  }
}

