import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

/**
 * One registry per process, with Node's default metrics (event loop lag, heap, GC, handles). The event loop's delay is
 * sampled every 100 ms: prom-client's default of 10 ms costs an idle process 7 ms of CPU a second, 100 ms none measurable.
 */
export const metricsRegistry = new Registry();
collectDefaultMetrics({ register: metricsRegistry, eventLoopMonitoringPrecision: 100 });

export const httpRequests = new Counter({
  name: 'http_requests_total',
  help: 'HTTP requests served, by method, route template and status code',
  labelNames: ['method', 'route', 'status'] as const,
  registers: [metricsRegistry],
});

export const httpRequestDuration = new Histogram({
  name: 'http_request_duration_seconds',
  help: 'HTTP request duration, by method, route template and status code',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  registers: [metricsRegistry],
});

export const consumedMessages = new Counter({
  name: 'gantry_consumer_messages_total',
  help: 'Messages a consumer finished, by consumer, topic and outcome (handled, duplicate, ignored, dead-lettered)',
  labelNames: ['consumer', 'topic', 'outcome'] as const,
  registers: [metricsRegistry],
});

export const consumerTransientFailures = new Counter({
  name: 'gantry_consumer_transient_failures_total',
  help: 'Failed attempts that were retried (never skipped), by consumer',
  labelNames: ['consumer'] as const,
  registers: [metricsRegistry],
});

/** How old an event is when its consumer has finished with it: end-to-end lag without asking the broker. */
export const consumedEventAge = new Histogram({
  name: 'gantry_consumer_event_age_seconds',
  help: 'Time from an event being recorded to a consumer finishing with it, by consumer',
  labelNames: ['consumer'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
  registers: [metricsRegistry],
});
