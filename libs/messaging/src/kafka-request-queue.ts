import { createRequire } from 'node:module';

/**
 * kafkajs 2.2.4 (its last release) spins on every connection: once a request has been answered, its request queue
 * schedules a look for pending requests with a negative delay (a timer of 1 ms) whether or not any request is
 * pending, and the look schedules the next one, for as long as the connection lives (tulios/kafkajs#1556 and #1704;
 * the fixes proposed upstream, #1667 and #1768, were never released). An idle service with a consumer, a producer and
 * an admin connection spent about 50 ms of CPU a second on it (bench `idle-installation`).
 *
 * The queue needs a look only while a request waits: `push` schedules one when it cannot send at once, and the look
 * schedules the next while requests still wait (after the throttle the broker asked for, or CHECK_INTERVAL_MS when
 * too many are in flight). Nothing else changes.
 */
interface RequestQueue {
  pending: unknown[];
  throttledUntil: number;
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  checkPendingRequests(): void;
  scheduleCheckPendingRequests(): void;
}

/** kafkajs's CHECK_PENDING_REQUESTS_INTERVAL */
const CHECK_INTERVAL_MS = 10;

const queue = createRequire(__filename)('kafkajs/src/network/requestQueue/index.js') as { prototype: RequestQueue };

queue.prototype.scheduleCheckPendingRequests = function scheduleCheckPendingRequests(this: RequestQueue): void {
  if (this.throttleCheckTimeoutId || this.pending.length === 0) return;
  const throttledForMs = this.throttledUntil - Date.now();
  this.throttleCheckTimeoutId = setTimeout(() => {
    this.throttleCheckTimeoutId = null;
    this.checkPendingRequests();
  }, throttledForMs > 0 ? throttledForMs : CHECK_INTERVAL_MS);
};

