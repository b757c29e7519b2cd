import 'reflect-metadata';
import { Controller, Get, Logger, Post, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { AuthModule } from './auth.module';
import { CurrentIdentity, Public, RequirePermission } from './decorators';
import type { Identity } from './identity';
import { hashApiKey, mintToken } from './tokens';

const secret = 'a-test-secret-that-is-long-enough-for-hs256';

@Controller('deployments')
class DeploymentsTestController {
  @Post()
  @RequirePermission('deployments:request')
  request(@CurrentIdentity() identity: Identity) {
    return { requestedBy: identity.subject, kind: identity.kind };
  }

  @Get('health')
  @Public()
  health() {
    return { status: 'ok' };
  }

  @Get('forgotten')
  forgotten() {
    return { leaked: true };
  }
}

describe('AuthGuard (HTTP)', () => {
  let app: INestApplication;
  const warnings: string[] = [];
  const token = (roles: string[]) => mintToken(secret, { sub: 'alice', roles });

  beforeAll(async () => {
    const module = await Test.createTestingModule({
      imports: [AuthModule.forRoot({ jwtSecret: secret, apiKeys: [{ name: 'servicenow', sha256: hashApiKey('sn'), roles: ['change-manager'] }] })],
      controllers: [DeploymentsTestController],
    }).compile();
    app = module.createNestApplication({ logger: false });
    jest.spyOn(Logger.prototype, 'warn').mockImplementation((message: unknown) => void warnings.push(String(message)));
    await app.init();
  });

  afterAll(async () => {
    await app.close();
    jest.restoreAllMocks();
  });

  it('answers 401 without credentials', async () => {
    const response = await request(app.getHttpServer()).post('/deployments').expect(401);
    expect(response.body.message).toMatch(/authentication required/);
  });

  it('answers 401 for an expired token', async () => {
    const expired = await mintToken(secret, { sub: 'alice', roles: ['admin'], expiresIn: -5 });
    const response = await request(app.getHttpServer()).post('/deployments').auth(expired, { type: 'bearer' }).expect(401);
    expect(response.body.message).toBe('token expired');
  });

  it('answers 403 when the roles do not grant the permission', async () => {
    const response = await request(app.getHttpServer())
      .post('/deployments')
      .auth(await token(['auditor']), { type: 'bearer' })
      .expect(403);
    expect(response.body.message).toMatch(/deployments:request/);
  });

  it('lets a granted role through and hands the identity to the handler', async () => {
    const response = await request(app.getHttpServer())
      .post('/deployments')
      .auth(await token(['deployment-practitioner']), { type: 'bearer' })
      .expect(201);
    expect(response.body).toEqual({ requestedBy: 'alice', kind: 'user' });
    await request(app.getHttpServer())
      .post('/deployments')
      .set('X-Api-Key', 'sn')
      .expect(201, { requestedBy: 'servicenow', kind: 'system' });
  });

  it('serves public routes without credentials', async () => {
    await request(app.getHttpServer()).get('/deployments/health').expect(200, { status: 'ok' });
  });

  it('refuses a route that declares no permission, even to admin, and logs it', async () => {
    await request(app.getHttpServer())
      .get('/deployments/forgotten')
      .auth(await token(['admin']), { type: 'bearer' })
      .expect(403);
    expect(warnings.some((w) => w.includes('DeploymentsTestController.forgotten'))).toBe(true);
  });
});
