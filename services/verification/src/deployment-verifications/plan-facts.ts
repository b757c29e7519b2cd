import type { DeploymentPlanned } from '@gantry/contracts';
import type { SqlClient } from '@gantry/event-store';
import type { EntityManager } from 'typeorm';
import type { AuthorisedRepository } from '../components';
import { knownEnvironment } from '../environments';
import { signatureVerifies, type TrustedKeys } from '../signing-keys';
import { componentKey, type ComponentFacts } from './component-rules';

/** An environment event the plan relied on has not reached verification yet: retry the plan later (transient). */
export class EnvironmentNotCaughtUp extends Error {}

/**
 * How long a plan waits for the environment event it relied on (planning's topic has several partitions, so the
 * environment's events may arrive after the plan). After that the environment is judged as verification knows it.
 */
export const ENVIRONMENT_CATCH_UP_MS = 30_000;

/**
 * What the deciders need to know about a plan, gathered at the edge: each component's entry in the authorised
 * repository, its signing key, whether its signature verifies (node's crypto), and the target environment.
 */
export async function planFacts(tx: SqlClient, entities: EntityManager, plan: DeploymentPlanned, plannedAt: Date, now: Date, repository: AuthorisedRepository, keys: TrustedKeys) {
  const components: Record<string, ComponentFacts> = {};
  const uses: { name: string; version: string; keyId?: string }[] = [];
  for (const component of plan.components) {
    const { state } = await repository.find(component.name, component.version, tx);
    if (state.status === 'none') {
      components[componentKey(component)] = {};
      continue;
    }
    const definition = state.definition;
    const facts: ComponentFacts = { entry: { definition, withdrawn: state.status === 'withdrawn' } };
    if (definition.keyId) {
      const key = await keys.find(definition.keyId, tx);
      if (key.status !== 'none') {
        facts.key = key.status === 'revoked' ? { revokedFrom: key.effectiveAt } : {};
        // a signature is over the name, version and digest: an entry without a digest (hardware) has nothing signed
        const { digest } = definition;
        facts.signatureVerifies = definition.signature !== undefined && digest !== undefined && signatureVerifies(key, { ...definition, digest }, definition.signature);
      }
    }
    components[componentKey(component)] = facts;
    uses.push({ name: component.name, version: component.version, ...(definition.keyId ? { keyId: definition.keyId } : {}) });
  }
  const environment = await knownEnvironment(entities, plan.environment);
  const relied = plan.environmentSnapshot?.version ?? 0;
  if ((environment?.version ?? 0) < relied && now.getTime() - plannedAt.getTime() < ENVIRONMENT_CATCH_UP_MS) {
    throw new EnvironmentNotCaughtUp(`environment ${plan.environment} version ${relied} has not reached verification yet (it knows ${environment?.version ?? 'none'})`);
  }
  return { components, uses, environment };
}
