import './kafka-request-queue';
import { eventually } from '@gantry/testing';

interface Queue {
  pending: unknown[];
  throttledUntil: number;
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  checkPendingRequests(): void;
  push(request: { entry: { correlationId: number; apiKey: number; apiName: string; apiVersion: number; resolve: () => void; reject: () => void }; expectResponse: boolean; sendRequest: () => void }): void;
  destroy(): void;
}
const RequestQueue = require('kafkajs/src/network/requestQueue/index.js') as new (options: Record<string, unknown>) => Queue;
const quiet = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

describe("kafkajs's request queue, as the bus loads it", () => {
  let queue: Queue;
  beforeEach(() => (queue = new RequestQueue({ maxInFlightRequests: null, requestTimeout: 30_000, enforceRequestTimeout: false, clientId: 'test', broker: '127.0.0.1:9092', logger: quiet })));
  afterEach(() => queue.destroy());

  it('given nothing pending, when an answer makes it look for pending requests, then it schedules no further look', () => {
    queue.checkPendingRequests();
    expect(queue.throttleCheckTimeoutId).toBeNull();
  });

  it('given the broker asked to throttle, when a request is pushed, then it waits and is sent once the throttle is over', async () => {
    const sent: number[] = [];
    queue.throttledUntil = Date.now() + 50;
    queue.push({ entry: { correlationId: 1, apiKey: 0, apiName: 'Produce', apiVersion: 7, resolve: () => undefined, reject: () => undefined }, expectResponse: false, sendRequest: () => sent.push(Date.now()) });
    expect(sent).toEqual([]);
    expect(queue.pending).toHaveLength(1);
    await eventually(() => sent.length === 1, { what: 'the throttled request sent' });
    expect(queue.pending).toHaveLength(0);
    expect(queue.throttleCheckTimeoutId).toBeNull();
  });
});
