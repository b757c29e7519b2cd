import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Identity } from '@gantry/auth';
import type { EventMetadata } from '@gantry/event-store';
import { currentTraceparent } from '@gantry/observability';
import { randomUUID } from 'node:crypto';

/** Everything a command needs to know about who asked, through which door, and when. */
export interface RequestContext {
  identity: Identity;
  metadata: EventMetadata;
  correlationId: string;
  idempotencyKey?: string;
  now: Date;
}

const HEADER_VALUE = /^[\x21-\x7e]{1,200}$/;

export function requestContext(identity: Identity, headers: Record<string, string | string[] | undefined>, now = new Date()): RequestContext {
  const header = (name: string) => {
    const value = headers[name];
    const first = Array.isArray(value) ? value[0] : value;
    return first !== undefined && HEADER_VALUE.test(first) ? first : undefined;
  };
  const correlationId = header('x-correlation-id') ?? randomUUID();
  const requestId = header('x-request-id') ?? randomUUID();
  const traceparent = currentTraceparent();
  return {
    identity,
    correlationId,
    idempotencyKey: header('idempotency-key'),
    now,
    metadata: {
      actor: { subject: identity.subject, roles: [...identity.roles], channel: identity.channel },
      correlationId,
      causationId: requestId,
      ...(traceparent ? { traceparent } : {}),
    },
  };
}

/** The request's context, built from the identity the auth guard attached and the correlation headers. */
export const CommandContext = createParamDecorator((_: unknown, ctx: ExecutionContext): RequestContext => {
  const request = ctx.switchToHttp().getRequest();
  return requestContext(request.identity, request.headers);
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
