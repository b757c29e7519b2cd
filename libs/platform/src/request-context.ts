import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Identity } from '@gantry/auth';
import type { EventMetadata } from '@gantry/event-store';
import { currentTraceparent } from '@gantry/observability';
import { momentOf, type Clock, type Moment } from './clock';

/**
 * What every door (a request, a consumed message) hands a command: what caused it (the metadata its events carry),
 * when it happens and where the ids of what it creates come from.
 */
export interface CommandOrigin extends Moment {
  metadata: EventMetadata;
}

/** Everything a command needs to know about who asked, through which door, and when. */
export interface RequestContext extends CommandOrigin {
  identity: Identity;
  correlationId: string;
  idempotencyKey?: string;
}

const HEADER_VALUE = /^[\x21-\x7e]{1,200}$/;

export function requestContext(identity: Identity, headers: Record<string, string | string[] | undefined>, clock: Clock): RequestContext {
  const moment = momentOf(clock);
  const header = (name: string) => {
    const value = headers[name];
    const first = Array.isArray(value) ? value[0] : value;
    return first !== undefined && HEADER_VALUE.test(first) ? first : undefined;
  };
  const correlationId = header('x-correlation-id') ?? moment.newId();
  const requestId = header('x-request-id') ?? moment.newId();
  const traceparent = currentTraceparent();
  return {
    identity,
    correlationId,
    idempotencyKey: header('idempotency-key'),
    ...moment,
    metadata: {
      actor: { subject: identity.subject, roles: [...identity.roles], channel: identity.channel },
      correlationId,
      causationId: requestId,
      ...(traceparent ? { traceparent } : {}),
    },
  };
}

/** boot puts the process's clock on every HTTP request, for CommandContext to read. */
export const clockOnRequests =
  (clock: Clock) =>
  (request: { clock?: Clock }, _response: unknown, next: () => void): void => {
    request.clock = clock;
    next();
  };

/** The request's context, built from the identity the auth guard attached, the correlation headers and the process's clock. */
export const CommandContext = createParamDecorator((_: unknown, ctx: ExecutionContext): RequestContext => {
  const request = ctx.switchToHttp().getRequest();
  if (!request.clock) throw new Error('no clock on the request: boot() puts the process clock on every request');
  return requestContext(request.identity, request.headers, request.clock);
});

/**
 * Metadata of events a service records in reaction to a consumed event: the service acts, the consumed event is
 * the cause, the correlation and trace carry on.
 */
export function causedBy(service: string, event: { id: string; correlationid?: string; traceparent?: string }): EventMetadata {
  const traceparent = currentTraceparent() ?? event.traceparent;
  return {
    actor: { subject: `gantry-${service}`, roles: [], channel: 'kafka' },
    correlationId: event.correlationid ?? event.id,
    causationId: event.id,
    ...(traceparent ? { traceparent } : {}),
  };
}

/**
 * Metadata of events a service records on its own (a timer fires, a poller finds work, at start-up): the system acts;
 * `correlationId` ties them to what they belong to (a deployment), `causationId` to what called for them (the timer),
 * the trace is the one under way (`continueTrace` continues what called for the work).
 */
export function actingOnItsOwn(service: string, correlationId: string, causationId?: string): EventMetadata {
  const traceparent = currentTraceparent();
  return {
    actor: { subject: `gantry-${service}`, roles: [], channel: 'system' },
    correlationId,
    ...(causationId === undefined ? {} : { causationId }),
    ...(traceparent ? { traceparent } : {}),
  };
}
