import type { Identity } from '@gantry/auth';
import { testClock } from './clock';
import { requestContext } from './request-context';

const identity: Identity = { subject: 'dana', roles: ['deployment-manager'], channel: 'rest', kind: 'user' };

describe("a request's context", () => {
  it("happens at the process clock's time, read once, and takes its new ids from the clock", () => {
    const ids = ['id-1', 'id-2', 'id-3'];
    const clock = testClock('2027-03-01T09:00:00.000Z', () => ids.shift()!);
    const context = requestContext(identity, {}, clock);
    clock.advance(60_000);
    expect(context.now.toISOString()).toBe('2027-03-01T09:00:00.000Z');
    // no correlation headers: the correlation and the request get ids of their own
    expect(context.metadata).toMatchObject({ correlationId: 'id-1', causationId: 'id-2' });
    expect(context.newId()).toBe('id-3');
  });

  it('keeps the correlation headers it is given', () => {
    const context = requestContext(identity, { 'x-correlation-id': 'c-9', 'x-request-id': 'r-9' }, testClock());
    expect(context.metadata).toMatchObject({ correlationId: 'c-9', causationId: 'r-9', actor: { subject: 'dana', channel: 'rest' } });
  });
});
