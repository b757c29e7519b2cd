import { eventType, type CloudEventEnvelope, type Service } from '@gantry/contracts';
import type { RecordedEvent } from '@gantry/event-store';

/** A CloudEvents 1.0 document in structured JSON mode: what travels on every topic. The contract is in contracts/. */
export type CloudEvent<Data = unknown> = CloudEventEnvelope<string, Data>;

export type ParsedCloudEvent = { ok: true; event: CloudEvent } | { ok: false; reason: string };

/** `Deployment-<uuid>` → `<uuid>`: the stream id without its type prefix. */
export function aggregateIdOf(streamId: string): string {
  const dash = streamId.indexOf('-');
  return dash < 0 ? streamId : streamId.slice(dash + 1);
}

/** `gantry.planning.DeploymentPlanned.v1` → `DeploymentPlanned`; a type without a version suffix → its last segment. */
export function eventName(type: string): string {
  const segments = type.split('.');
  const last = segments.length - 1;
  return last > 0 && /^v\d+$/.test(segments[last]) ? segments[last - 1] : segments[last];
}

export function toCloudEvent(service: string, event: RecordedEvent, options: { subject?: string } = {}): CloudEvent {
  const { actor, correlationId, causationId, traceparent } = event.metadata;
  return {
    specversion: '1.0',
    id: event.id,
    source: `/gantry/${service}`,
    type: eventType(service as Service, event.type, event.schemaVersion),
    subject: options.subject ?? aggregateIdOf(event.streamId),
    time: new Date(event.recordedAt).toISOString(),
    datacontenttype: 'application/json',
    data: event.data,
    correlationid: correlationId,
    ...(causationId ? { causationid: causationId } : {}),
    actor: actor.subject,
    actorroles: actor.roles.join(','),
    actorchannel: actor.channel,
    streamversion: event.streamVersion,
    eventhash: event.hash,
    ...(traceparent ? { traceparent } : {}),
  };
}

const requiredStrings = ['id', 'source', 'type'] as const;
const optionalStrings = ['subject', 'correlationid', 'causationid', 'actor', 'actorroles', 'actorchannel', 'traceparent', 'eventhash'] as const;
// RFC 3339 date-time, as CloudEvents requires for `time`.
const rfc3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/** Reads a structured-mode CloudEvent and checks its attributes; a failure names what is wrong (it becomes the dead-letter reason). */
export function parseCloudEvent(value: Buffer | string | null | undefined): ParsedCloudEvent {
  if (value === null || value === undefined || value.length === 0) return { ok: false, reason: 'empty message: no value' };
  let document: unknown;
  try {
    document = JSON.parse(typeof value === 'string' ? value : value.toString('utf8'));
  } catch (error) {
    return { ok: false, reason: `not JSON: ${(error as Error).message}` };
  }
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    return { ok: false, reason: 'not a JSON object' };
  }
  const candidate = document as Record<string, unknown>;
  if (candidate.specversion !== '1.0') return { ok: false, reason: `specversion must be "1.0", got ${JSON.stringify(candidate.specversion)}` };
  for (const name of requiredStrings) {
    if (typeof candidate[name] !== 'string' || candidate[name] === '') return { ok: false, reason: `missing attribute: ${name}` };
  }
  for (const name of optionalStrings) {
    if (candidate[name] !== undefined && typeof candidate[name] !== 'string') return { ok: false, reason: `attribute ${name} must be a string` };
  }
  if (candidate.time !== undefined && !(typeof candidate.time === 'string' && rfc3339.test(candidate.time))) {
    return { ok: false, reason: 'attribute time must be an RFC 3339 timestamp' };
  }
  if (candidate.datacontenttype !== undefined && candidate.datacontenttype !== 'application/json') {
    return { ok: false, reason: `unsupported datacontenttype: ${JSON.stringify(candidate.datacontenttype)}` };
  }
  if (candidate.streamversion !== undefined && !Number.isInteger(candidate.streamversion)) {
    return { ok: false, reason: 'attribute streamversion must be an integer' };
  }
  return { ok: true, event: candidate as unknown as CloudEvent };
}
