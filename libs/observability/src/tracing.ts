import nodeHttp from 'node:http';
import nodeHttps from 'node:https';
import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Attributes } from '@opentelemetry/api';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import type { InstrumentationBase } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import pg from 'pg';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { BatchSpanProcessor, NoopSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace';

let running: { sdk: NodeSDK; patched: InstrumentationBase[] } | undefined;

/** Requests that are not worth a trace: scrapes and probes (`/health`, `/health/live`, `/health/ready`). */
const untraced = (url: string | undefined): boolean => {
  const path = (url ?? '').split('?')[0];
  return path === '/metrics' || path === '/health' || path.startsWith('/health/');
};

/**
 * Starts OpenTelemetry for this process: W3C trace context propagation; spans for incoming and outgoing HTTP (`http`
 * and `fetch`) and, when spans are exported, for PostgreSQL statements made while something is traced (a background poll starts no trace). gRPC
 * server spans are made by the gRPC edge (libs/platform grpc.ts), Kafka's by the publisher and the consumer base
 * (libs/messaging trace.ts), timers' and the run driver's by `continueTrace`.
 * Spans go to OTLP/HTTP when OTEL_EXPORTER_OTLP_ENDPOINT (or ..._TRACES_ENDPOINT) is set; otherwise they are
 * created and dropped, so `traceparent` still travels. Call it first thing in a process, before Nest starts.
 * Idempotent: a second call does nothing.
 */
export function startTracing(serviceName: string): void {
  if (running) return;
  const exporting = Boolean(process.env.OTEL_EXPORTER_OTLP_ENDPOINT || process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);
  // Without a span processor the SDK registers no tracer provider at all, and no trace context would exist.
  const spanProcessors: SpanProcessor[] = exporting
    ? [new BatchSpanProcessor({ exporter: new OTLPTraceExporter() })]
    : [new NoopSpanProcessor()];
  const http = new HttpInstrumentation({ ignoreIncomingRequestHook: (request) => untraced(request.url) });
  // statements' spans carry no context anywhere: made only where they go somewhere (a deployment makes hundreds)
  const postgres = exporting ? [new PgInstrumentation({ requireParentSpan: true })] : [];
  // fetch (undici) reports on diagnostics channels: nothing to patch, it works however undici was loaded. Outgoing
  // calls are all traced: verification's probe of a new version's /health is work, not a probe of Gantry.
  const fetchCalls = new UndiciInstrumentation();
  const sdk = new NodeSDK({
    serviceName,
    spanProcessors,
    // metrics are Prometheus' (see metrics.ts) and logs are JSON lines on stdout: no OTLP exporters for either
    metricReaders: [],
    logRecordProcessors: [],
    textMapPropagator: new CompositePropagator({
      propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()],
    }),
    instrumentations: [http, ...postgres, fetchCalls],
  });
  sdk.start();
  patchInPlace(http, { http: nodeHttp, https: nodeHttps });
  postgres.forEach((instrumentation) => patchInPlace(instrumentation, { pg }));
  running = { sdk, patched: [http, ...postgres] };
}

/**
 * Instrumentations patch modules from require hooks, which see neither a module loaded before tracing started (Nest's
 * imports load `http`), nor one imported from ECMAScript modules, nor Jest's module registry. The modules this process
 * uses are the ones imported here (core modules are singletons; `pg`'s classes are what the event store's Database
 * holds): patch them in place. The instrumentations unwrap before they wrap, so a require hook firing as well does
 * not double the spans. `pg-pool` is left unpatched: a pool's connect spans would only repeat the client's.
 */
function patchInPlace(instrumentation: InstrumentationBase, loaded: Record<string, object>): void {
  for (const definition of instrumentation.getModuleDefinitions()) {
    const exports = loaded[definition.name];
    if (!exports || definition.moduleExports || !definition.patch) continue;
    definition.moduleExports = exports;
    definition.patch(exports);
  }
}

/** Flushes and stops what startTracing started, unpatches `http` and clears the global API, so it may start again. */
export async function shutdownTracing(): Promise<void> {
  const stopping = running;
  running = undefined;
  if (!stopping) return;
  await stopping.sdk.shutdown();
  stopping.patched.forEach((instrumentation) => instrumentation.disable());
  trace.disable();
  propagation.disable();
  context.disable();
}

/** The W3C `traceparent` of the active span, to record with events and put on Kafka messages. */
export function currentTraceparent(): string | undefined {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent;
}

/**
 * Runs `work` in a span of its own, a child of `traceparent` (none: a new trace), whatever is traced at the moment:
 * how work a process does on its own (a due timer firing, the run driver driving a run) continues the trace of what
 * called for it. The span ends with the work, as an error if it throws.
 */
export async function continueTrace<T>(name: string, traceparent: string | undefined, attributes: Attributes, work: () => Promise<T>): Promise<T> {
  const parent = traceparent ? propagation.extract(ROOT_CONTEXT, { traceparent }) : ROOT_CONTEXT;
  // the tracer is looked up at each use: a module-level one would keep the provider of a tracing since shut down
  const span = trace.getTracer('gantry').startSpan(name, { kind: SpanKind.INTERNAL, attributes }, parent);
  try {
    return await context.with(trace.setSpan(parent, span), work);
  } catch (error) {
    span.recordException(error as Error);
    span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
    throw error;
  } finally {
    span.end();
  }
}
