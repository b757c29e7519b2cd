import { loadAggregate } from '@gantry/platform';
import type { EventStore, SqlClient } from '@gantry/event-store';
import { knownRoles, mayDo } from '@gantry/auth';
import { environmentDecider, environmentStream, readEnvironmentFlow } from '../environments';
import { lockReservationKeys, reservationsHolding, reservationsOfServices, type RelatedService } from '../schedule';
import { readRelatedServices } from '../service-catalogue';
import { readActiveModels, readSucceededVersions } from '../planning-facts';
import type { EntityManager } from 'typeorm';
import { DEFAULT_AUTHORISATION_RULES, type AuthorisationProof, type AuthorisationRules } from './authorisation';
import type { PlanningFacts } from './deployment.decider';

/** What a decision about a deployment in `environment` asks planning to read. */
export interface FactsAsked {
  environment: string;
  /** the service and targets (none: all the environment's) the decision would reserve a window for; none for a decision that reserves nothing */
  reserving?: { service: string; targets?: readonly string[] };
  requesterRoles: readonly string[];
  /** for a request: what proves its change authorised, and the rules it is weighed by */
  authorisation?: { proof: AuthorisationProof; rules: AuthorisationRules };
  /** for a request: the component versions whose promotion is checked */
  components?: readonly { name: string; version: string }[];
  now: Date;
}

/**
 * Reads what planning knows for a decision, in the command's transaction: the environment, the reservations the
 * decision could conflict with, the active models, the component versions that succeeded and (for a request) the
 * active environments' positions, the flow where no model gives one. The reservations are
 * read only after the keys the decision would hold are locked (reservations.ts), so a request racing another for
 * the same service or target is decided after it and sees its reservation.
 */
export async function readPlanningFacts(tx: SqlClient, store: EventStore, entities: EntityManager, asked: FactsAsked): Promise<PlanningFacts> {
  const { schema } = store;
  const environment = await loadAggregate(store, environmentDecider, environmentStream(asked.environment).streamId, tx);
  const { reserving } = asked;
  const targets = reserving?.targets?.length ? reserving.targets : environment.state.status === 'none' ? [] : environment.state.definition.targets.map((t) => t.name);
  const keys = reserving && { environment: asked.environment, service: reserving.service, targets };
  if (keys) await lockReservationKeys(tx, schema, keys);
  const models = await readActiveModels(entities);
  const related = reserving ? await relatedServicesOf(tx, schema, reserving.service) : [];
  return {
    environment: environment.state,
    environmentVersion: environment.version,
    reservations: keys ? await reservationsHolding(tx, schema, keys) : [],
    relatedServices: related,
    relatedReservations: await reservationsOfServices(tx, schema, asked.environment, related.map((s) => s.name)),
    activeModels: models.active,
    retiredModels: models.retired,
    succeeded: await readSucceededVersions(entities, asked.components ?? []),
    environments: asked.components ? await readEnvironmentFlow(tx, schema) : [],
    requesterRoles: asked.requesterRoles,
    requesterMayPlanAdHoc: mayDo(knownRoles(asked.requesterRoles), 'deployments:request-ad-hoc'),
    // a reschedule weighs no authorisation: the plan already holds who authorised it
    authorisation: asked.authorisation?.proof ?? { way: 'permission', by: '', mayAuthorise: false },
    authorisationPolicy: (asked.authorisation?.rules ?? DEFAULT_AUTHORISATION_RULES).ways,
    authoriserSeparation: (asked.authorisation?.rules ?? DEFAULT_AUTHORISATION_RULES).separation,
    identityCase: (asked.authorisation?.rules ?? DEFAULT_AUTHORISATION_RULES).identityCase,
    now: asked.now.toISOString(),
  };
}

/** The catalogue's services `service` depends on, and those that depend on it; none when it is not in the catalogue. */
async function relatedServicesOf(tx: SqlClient, schema: string, service: string): Promise<RelatedService[]> {
  const entries = await readRelatedServices(tx, schema, service);
  const dependsOn = entries.find((e) => e.name === service)?.dependencies ?? [];
  const dependedOnBy = entries.filter((e) => e.name !== service && e.dependencies.includes(service)).map((e) => e.name);
  return [...dependsOn.map((name) => ({ name, relation: 'depends-on' as const })), ...dependedOnBy.map((name) => ({ name, relation: 'depended-on-by' as const }))];
}
