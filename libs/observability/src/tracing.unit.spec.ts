import 'reflect-metadata';
import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Controller, Get } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { context, trace } from '@opentelemetry/api';
import { AuthModule, Public } from '@gantry/auth';
import supertest from 'supertest';
import { JsonLogger } from './json-logger';
import { currentTraceparent, shutdownTracing, startTracing } from './tracing';

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-01$/;

@Controller('trace')
class TraceTestController {
  @Get()
  @Public()
  current() {
    return { traceparent: currentTraceparent() };
  }
}

describe('tracing', () => {
  let server: Server;
  let received: { headers: IncomingHttpHeaders; traceparent?: string } | undefined;

  beforeAll(async () => {
    delete process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
    startTracing('gantry-test');
    startTracing('gantry-test'); // idempotent
    server = createServer((req, res) => {
      received = { headers: req.headers, traceparent: currentTraceparent() };
      res.end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await shutdownTracing();
  });

  const get = () =>
    new Promise<void>((resolve, reject) => {
      const { port } = server.address() as AddressInfo;
      request({ host: '127.0.0.1', port, path: '/deployments' }, (res) => res.resume().on('end', resolve))
        .on('error', reject)
        .end();
    });

  it('has no traceparent outside a span', () => {
    expect(currentTraceparent()).toBeUndefined();
  });

  it('carries the active trace to the server of an outgoing HTTP call, which continues it', async () => {
    const span = trace.getTracer('test').startSpan('request deployment');
    const ours = await context.with(trace.setSpan(context.active(), span), async () => {
      const traceparent = currentTraceparent();
      await get();
      return traceparent;
    });
    span.end();

    expect(ours).toMatch(TRACEPARENT);
    const traceId = TRACEPARENT.exec(ours!)![1];
    expect(received?.headers.traceparent).toMatch(TRACEPARENT);
    expect(TRACEPARENT.exec(String(received?.headers.traceparent))![1]).toBe(traceId);
    // the server side runs in its own span of the same trace
    expect(TRACEPARENT.exec(received?.traceparent ?? '')?.[1]).toBe(traceId);
  });

  it('puts the trace and span ids on log lines written inside a span', () => {
    const lines: string[] = [];
    const logger = new JsonLogger('gantry-test', { write: (line) => void lines.push(line) });
    const span = trace.getTracer('test').startSpan('plan');
    context.with(trace.setSpan(context.active(), span), () => logger.log('planned'));
    span.end();
    expect(JSON.parse(lines[0])).toMatchObject({ trace_id: span.spanContext().traceId, span_id: span.spanContext().spanId });
  });

  it('continues the caller\'s trace in a Nest handler (REST → service)', async () => {
    const module = await Test.createTestingModule({ imports: [AuthModule.forRoot({ apiKeys: [] })], controllers: [TraceTestController] }).compile();
    const app = await module.createNestApplication({ logger: false }).init();
    try {
      const caller = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
      const response = await supertest(app.getHttpServer()).get('/trace').set('traceparent', caller).expect(200);
      const [, traceId, spanId] = TRACEPARENT.exec(response.body.traceparent) ?? [];
      expect(traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
      expect(spanId).not.toBe('00f067aa0ba902b7');
    } finally {
      await app.close();
    }
  });

  it('stops and starts again', async () => {
    await shutdownTracing();
    expect(trace.getTracer('test').startSpan('after').spanContext().traceId).toBe('00000000000000000000000000000000');
    startTracing('gantry-test');
    const span = trace.getTracer('test').startSpan('again');
    expect(span.isRecording()).toBe(true);
    span.end();
  });

  it('exports spans over OTLP/HTTP when OTEL_EXPORTER_OTLP_ENDPOINT is set', async () => {
    await shutdownTracing();
    const posts: string[] = [];
    const collector = createServer((req, res) => {
      posts.push(`${req.method} ${req.url}`);
      req.resume().on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
    });
    await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = `http://127.0.0.1:${(collector.address() as AddressInfo).port}`;
    try {
      startTracing('gantry-test');
      trace.getTracer('test').startSpan('exported').end();
      await shutdownTracing(); // flushes the batch
      expect(posts).toContain('POST /v1/traces');
    } finally {
      delete process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
      await new Promise((resolve) => collector.close(resolve));
    }
  });
});
