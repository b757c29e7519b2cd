import { eventType } from './event-type';
import { executionEventSchemas, type ExecutionEventPayloads } from './execution';
import type { JsonSchema } from './json-schema';
import { MODEL_REVIEW_ROUTES, modelReviewEventSchemas, type ModelReviewEventPayloads } from './model-review';
import { planningEventSchemas, type PlanningEventPayloads } from './planning';
import { RECORDS_ROUTES, recordsEventSchemas, type RecordsEventPayloads } from './records';
import { SERVICE_TOPICS, type CommunicationsTopic, type FeedbackTopic, type Service, type TransparencyTopic } from './topics';
import { verificationEventSchemas, type VerificationEventPayloads } from './verification';

/** Payload of each event, by event name. Event names are unique across services. */
export interface EventPayloads
  extends PlanningEventPayloads,
    VerificationEventPayloads,
    ExecutionEventPayloads,
    RecordsEventPayloads,
    ModelReviewEventPayloads {}

export type EventName = keyof EventPayloads;

/** An event as a decider sees it, discriminated by `type` (the event name). */
export type GantryEvent = { [N in EventName]: { type: N; data: EventPayloads[N] } }[EventName];
export type EventOfName<N extends EventName> = Extract<GantryEvent, { type: N }>;

/** `routes`: events published on a feedback (or transparency) topic instead of the service's own topic. */
const events = <S extends Service, N extends string>(service: S, schemas: Record<N, JsonSchema>, routes: Partial<Record<N, RoutedTopic>> = {}) =>
  Object.fromEntries(
    Object.entries<JsonSchema>(schemas).map(([name, schema]) => [
      name,
      { name, service, version: 1, type: eventType(service, name), topic: routes[name as N] ?? SERVICE_TOPICS[service], schema },
    ]),
  ) as { [K in N]: EventDescription<S, K> };

/** Where an event can go instead of its service's own topic. */
export type RoutedTopic = FeedbackTopic | TransparencyTopic | CommunicationsTopic;

export interface EventDescription<S extends Service = Service, N extends string = EventName> {
  name: N;
  service: S;
  version: 1;
  /** CloudEvents `type` */
  type: `gantry.${S}.${N}.v1`;
  /** the service's own topic, a feedback topic for the events meant for other practices, or the ledger's checkpoints' */
  topic: (typeof SERVICE_TOPICS)[S] | RoutedTopic;
  schema: JsonSchema;
}

/** Every event of the contract: its service, topic, CloudEvents type and payload schema. */
export const EVENTS = {
  ...events('planning', planningEventSchemas),
  ...events('verification', verificationEventSchemas),
  ...events('execution', executionEventSchemas),
  ...events('records', recordsEventSchemas, RECORDS_ROUTES),
  ...events('model-review', modelReviewEventSchemas, MODEL_REVIEW_ROUTES),
} satisfies { [N in EventName]: EventDescription<Service, N> };

export const EVENT_NAMES = Object.keys(EVENTS) as EventName[];

/** CloudEvents `type` of each event name, e.g. `EVENT_TYPES.DeploymentRequested` = `gantry.planning.DeploymentRequested.v1`. */
export type EventTypeOf<N extends EventName> = (typeof EVENTS)[N]['type'];
export type EventType = EventTypeOf<EventName>;

export const EVENT_TYPES = Object.fromEntries(EVENT_NAMES.map((name) => [name, EVENTS[name].type])) as {
  [N in EventName]: EventTypeOf<N>;
};

const byType = new Map<string, EventName>(EVENT_NAMES.map((name) => [EVENTS[name].type, name]));

/** The event name behind a CloudEvents `type`, or undefined for a type this contract does not know. */
export const eventNameOf = (type: string): EventName | undefined => byType.get(type);

/** The topic an event of this contract is published on; undefined for a name the contract does not know. */
export const topicOfEvent = (name: string): EventDescription<Service, string>['topic'] | undefined =>
  Object.hasOwn(EVENTS, name) ? EVENTS[name as EventName].topic : undefined;
