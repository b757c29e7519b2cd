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

describe('AuthGuard: failed authentications per source address', () => {
  let app: INestApplication;

  beforeAll(async () => {
    const module = await Test.createTestingModule({
      imports: [AuthModule.forRoot({ jwtSecret: secret, apiKeys: [], failedAuthentications: { perMinute: 60, burst: 3 } })],
      controllers: [DeploymentsTestController],
    }).compile();
    app = module.createNestApplication({ logger: false });
    // the addresses come from X-Forwarded-For here, as behind a proxy Express is told to trust
    app.getHttpAdapter().getInstance().set('trust proxy', true);
    await app.init();
  });
  afterAll(() => app.close());

  const from = (address: string, bearer?: string) => {
    const call = request(app.getHttpServer()).post('/deployments').set('x-forwarded-for', address);
    return bearer ? call.auth(bearer, { type: 'bearer' }) : call;
  };

  it('lets an address fail its burst, then answers 429 with Retry-After before looking at its credentials; other addresses go on', async () => {
    const valid = await mintToken(secret, { sub: 'alice', roles: ['change-manager'] });
    for (let i = 0; i < 3; i++) await from('203.0.113.7', `guess-${i}`).expect(401);
    const refused = await from('203.0.113.7', valid).expect(429);
    expect(refused.headers['retry-after']).toBe('1');
    expect(refused.body.message).toMatch(/too many failed authentications from this address/);
    await from('198.51.100.2', valid).expect(201);
  });
});
