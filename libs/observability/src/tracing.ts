import nodeHttp from 'node:http';
import nodeHttps from 'node:https';
import { context, propagation, trace } from '@opentelemetry/api';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { BatchSpanProcessor, NoopSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace';

let running: { sdk: NodeSDK; http: HttpInstrumentation } | undefined;

/** Requests that are not worth a trace: scrapes and probes. */
const UNTRACED_PATHS = new Set(['/metrics', '/health']);

/**
 * Starts OpenTelemetry for this process: spans for incoming and outgoing HTTP, W3C trace context propagation.
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
  const http = new HttpInstrumentation({
    ignoreIncomingRequestHook: (request) => UNTRACED_PATHS.has((request.url ?? '').split('?')[0]),
  });
  const sdk = new NodeSDK({
    serviceName,
    spanProcessors,
    // metrics are Prometheus' (see metrics.ts) and logs are JSON lines on stdout: no OTLP exporters for either
    metricReaders: [],
    logRecordProcessors: [],
    textMapPropagator: new CompositePropagator({
      propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()],
    }),
    instrumentations: [http],
  });
  sdk.start();
  patchLoadedCoreModules(http);
  running = { sdk, http };
}

/**
 * The instrumentation patches `http` from a require hook, so a process that loaded `http` before tracing started
 * (Nest's imports do; Jest's module registry bypasses require hooks altogether) would get no HTTP spans. Core
 * modules are singletons: patch them in place now. The instrumentation unwraps before it wraps, and patches a
 * module once, so a later require hook does not double the spans.
 */
function patchLoadedCoreModules(instrumentation: HttpInstrumentation): void {
  const loaded: Record<string, object> = { http: nodeHttp, https: nodeHttps };
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
  stopping.http.disable();
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
