import 'reflect-metadata';
import { Controller, Get, Param, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { AuthModule, RequirePermission } from '@gantry/auth';
import request from 'supertest';
import { ObservabilityModule } from './observability.module';

@Controller('deployments')
class DeploymentsTestController {
  @Get(':id')
  @RequirePermission('deployments:read')
  get(@Param('id') id: string) {
    return { id };
  }
}

async function appWith(checks: Record<string, () => Promise<unknown>>): Promise<INestApplication> {
  const module = await Test.createTestingModule({
    imports: [
      AuthModule.forRoot({ apiKeys: [] }),
      ObservabilityModule.forRoot({ service: 'gantry-test', checks, checkTimeoutMs: 100 }),
    ],
    controllers: [DeploymentsTestController],
  }).compile();
  const app = module.createNestApplication({ logger: false });
  await app.init();
  return app;
}

describe('ObservabilityModule', () => {
  const apps: INestApplication[] = [];
  const started = async (checks: Record<string, () => Promise<unknown>>) => {
    const app = await appWith(checks);
    apps.push(app);
    return app.getHttpServer();
  };
  afterAll(() => Promise.all(apps.map((app) => app.close())));

  it('answers GET /health 200 without credentials when every check passes', async () => {
    const server = await started({ database: async () => 'select 1' });
    const response = await request(server).get('/health').expect(200);
    expect(response.body).toEqual({ status: 'ok', checks: { database: { status: 'up', durationMs: expect.any(Number) } } });
  });

  it('answers 503 naming the failed and the timed-out check, without their error text', async () => {
    const server = await started({
      database: async () => {
        throw new Error('connect ECONNREFUSED 10.0.0.7:5432');
      },
      kafka: () => new Promise(() => undefined),
      disk: async () => undefined,
    });
    const response = await request(server).get('/health').expect(503);
    expect(response.body).toEqual({
      status: 'unavailable',
      checks: {
        database: { status: 'down', reason: 'error', durationMs: expect.any(Number) },
        kafka: { status: 'down', reason: 'timeout', durationMs: expect.any(Number) },
        disk: { status: 'up', durationMs: expect.any(Number) },
      },
    });
    expect(JSON.stringify(response.body)).not.toContain('ECONNREFUSED');
  });

  it('exposes Prometheus text on GET /metrics with request counts by route template', async () => {
    const server = await started({});
    await request(server).get('/deployments/42').expect(401);
    await request(server).get('/nowhere').expect(404);
    const response = await request(server).get('/metrics').expect(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain/);
    expect(response.text).toMatch(/process_cpu_user_seconds_total/);
    expect(response.text).toMatch(
      /http_requests_total\{method="GET",route="\/deployments\/:id",status="401",service="gantry-test"\} [1-9]/,
    );
    expect(response.text).toMatch(/http_requests_total\{method="GET",route="unmatched",status="404",service="gantry-test"\} [1-9]/);
    expect(response.text).toMatch(/http_request_duration_seconds_bucket\{le="0.005",service="gantry-test",method="GET",route="\/deployments\/:id"/);
    expect(response.text).not.toMatch(/route="\/deployments\/42"/);
  });
});
