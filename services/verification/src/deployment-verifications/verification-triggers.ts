import {
  eventNameOf,
  SERVICE_TOPICS,
  type CanaryAnalysisRequested,
  type DeploymentExecuted,
  type DeploymentPlanned,
  type DeploymentStarted,
  type IdleSideVerificationRequested,
  type ManualStepCompleted,
  type ManualStepRequired,
} from '@gantry/contracts';
import type { EventStore, SqlClient } from '@gantry/event-store';
import type { CloudEvent } from '@gantry/messaging';
import { causedBy, executeCommand, loadAggregate, type ConsumerSpec } from '@gantry/platform';
import type { Evaluations } from '../acceptance/evaluations';
import type { EvidenceStore } from '../acceptance/evidence';
import type { CanaryAnalyses } from '../canary/canary-analyses';
import type { AuthorisedRepository } from '../components/authorised-repository';
import type { TrustedKeys } from '../signing-keys/trusted-keys';
import { deploymentVerificationDecider, verificationStream } from './deployment-verification.decider';
import { planFacts } from './plan-facts';
import type { Revocations } from './revocations';

const TRIGGERS = ['DeploymentPlanned', 'DeploymentStarted', 'DeploymentCancelled', 'RunAbandoned', 'ManualStepRequired', 'ManualStepCompleted', 'DeploymentExecuted', 'IdleSideVerificationRequested', 'CanaryAnalysisRequested'];

/**
 * Verification checks components and environment when a deployment is planned; notes when it starts (it can no longer
 * be revoked); evaluates the acceptance criteria once it has been executed, or its idle side deployed; analyses its
 * canary steps when execution asks.
 */
export class VerificationTriggers {
  constructor(
    private readonly store: EventStore,
    private readonly repository: AuthorisedRepository,
    private readonly keys: TrustedKeys,
    private readonly revocations: Revocations,
    private readonly evaluations: Evaluations,
    private readonly canaries: CanaryAnalyses,
    private readonly evidence: EvidenceStore,
  ) {}

  consumer(): ConsumerSpec {
    return {
      name: 'verification.triggers',
      topics: [SERVICE_TOPICS.planning, SERVICE_TOPICS.execution],
      accepts: (type) => TRIGGERS.includes(eventNameOf(type) ?? ''),
      handle: (event, tx) => this.handle(event, tx),
    };
  }

  private async handle(event: CloudEvent, tx: SqlClient): Promise<void> {
    const now = new Date();
    const metadata = causedBy('verification', event);
    switch (eventNameOf(event.type)) {
      case 'DeploymentPlanned': {
        const plan = event.data as DeploymentPlanned;
        const facts = await planFacts(tx, this.store.schema, plan, new Date(event.time ?? now), now, this.repository, this.keys);
        const result = await executeCommand(
          this.store,
          deploymentVerificationDecider,
          verificationStream(plan.deploymentId),
          { type: 'VerifyPlan', plan, components: facts.components, ...(facts.environment ? { environment: facts.environment } : {}), now: now.toISOString() },
          { metadata },
          tx,
        );
        if (result.events.some((e) => e.type === 'ComponentsVerified')) await this.revocations.recordUses(tx, plan.deploymentId, facts.uses);
        return;
      }
      case 'DeploymentStarted':
      case 'DeploymentCancelled':
      case 'RunAbandoned':
        // started, or never will: nothing left to revoke
        await this.revocations.recordStarted(tx, (event.data as DeploymentStarted).deploymentId);
        return;
      case 'DeploymentExecuted': {
        const { deploymentId } = event.data as DeploymentExecuted;
        const { state } = await loadAggregate(this.store, deploymentVerificationDecider, verificationStream(deploymentId).streamId, tx);
        // a deployment this service never saw planned (planned before it existed) has nothing to be checked against
        if (!state.subject) return;
        await this.evaluations.start(tx, deploymentId, 'deployment', state.subject.acceptanceCriteria, undefined, metadata, now);
        return;
      }
      case 'IdleSideVerificationRequested': {
        const request = event.data as IdleSideVerificationRequested;
        const { state } = await loadAggregate(this.store, deploymentVerificationDecider, verificationStream(request.deploymentId).streamId, tx);
        if (!state.subject) return;
        await this.evaluations.start(tx, request.deploymentId, request.side, request.acceptanceCriteria, request.targets, metadata, now);
        return;
      }
      case 'ManualStepRequired': {
        const step = event.data as ManualStepRequired;
        await this.evidence.manualStepRequired(tx, step.deploymentId, step.stepId, step.evidenceRequired);
        return;
      }
      case 'ManualStepCompleted': {
        const step = event.data as ManualStepCompleted;
        await this.evidence.manualStepCompleted(tx, step.deploymentId, step.stepId, step.evidence.length);
        return;
      }
      case 'CanaryAnalysisRequested':
        await this.canaries.open(tx, event.data as CanaryAnalysisRequested, metadata, now);
        return;
    }
  }
}
