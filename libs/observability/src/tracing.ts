import { context, propagation } from '@opentelemetry/api';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { BatchSpanProcessor, NoopSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace';

let sdk: NodeSDK | undefined;

/** Requests that are not worth a trace: scrapes and probes. */
const UNTRACED_PATHS = new Set(['/metrics', '/health']);

/**
 * Starts OpenTelemetry for this process: spans for incoming and outgoing HTTP, W3C trace context propagation.
 * Spans go to OTLP/HTTP when OTEL_EXPORTER_OTLP_ENDPOINT (or ..._TRACES_ENDPOINT) is set; otherwise they are
 * created and dropped, so `traceparent` still travels. Call it first thing in a process, before Nest starts.
 * Idempotent: a second call does nothing.
 */
export function startTracing(serviceName: string): void {
  if (sdk) return;
  const exporting = Boolean(process.env.OTEL_EXPORTER_OTLP_ENDPOINT || process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);
  // Without a span processor the SDK registers no tracer provider at all, and no trace context would exist.
  const spanProcessors: SpanProcessor[] = exporting
    ? [new BatchSpanProcessor({ exporter: new OTLPTraceExporter() })]
    : [new NoopSpanProcessor()];
  sdk = new NodeSDK({
    serviceName,
    spanProcessors,
    // metrics are Prometheus' (see metrics.ts) and logs are JSON lines on stdout: no OTLP exporters for either
    metricReaders: [],
    logRecordProcessors: [],
    textMapPropagator: new CompositePropagator({
      propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()],
    }),
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (request) => UNTRACED_PATHS.has((request.url ?? '').split('?')[0]),
      }),
    ],
  });
  sdk.start();
}

/** Flushes and stops what startTracing started. */
export async function shutdownTracing(): Promise<void> {
  const running = sdk;
  sdk = undefined;
  await running?.shutdown();
}

/** The W3C `traceparent` of the active span, to record with events and put on Kafka messages. */
export function currentTraceparent(): string | undefined {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent;
}
