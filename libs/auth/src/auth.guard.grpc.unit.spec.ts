import 'reflect-metadata';
import { createServer } from 'node:net';
import { Controller, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { GrpcMethod, Payload, Transport } from '@nestjs/microservices';
import { credentials, loadPackageDefinition, Metadata, type Client } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { DEPLOYMENTS_PROTO_PATH } from '@gantry/contracts';
import { AuthModule } from './auth.module';
import { CurrentIdentity, RequirePermission } from './decorators';
import type { Identity } from './identity';
import { hashApiKey } from './tokens';

@Controller()
class DeploymentServiceTestHandler {
  @GrpcMethod('DeploymentService', 'GetDeployment')
  @RequirePermission('deployments:read')
  // with a custom parameter decorator in the signature, Nest injects only decorated parameters: hence @Payload()
  getDeployment(@Payload() request: { id: string }, @CurrentIdentity() identity: Identity) {
    return { id: request.id, status: 'planned', requestedBy: identity.subject };
  }

  @GrpcMethod('DeploymentService', 'RequestDeployment')
  requestDeployment() {
    return { id: 'leaked' };
  }
}

const freePort = () =>
  new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });

type Answer = { code?: number; details?: string; value?: { id: string; requestedBy: string } };

describe('AuthGuard (gRPC, hybrid application with inheritAppConfig)', () => {
  let app: INestApplication;
  let client: Client & Record<string, (request: object, metadata: Metadata, callback: (error: { code: number; details: string } | null, value: never) => void) => void>;

  beforeAll(async () => {
    const port = await freePort();
    const module = await Test.createTestingModule({
      imports: [
        AuthModule.forRoot({
          apiKeys: [
            { name: 'servicenow', sha256: hashApiKey('sn'), roles: ['change-manager'] },
            { name: 'legacy', sha256: hashApiKey('lg'), roles: [] },
          ],
          failedAuthentications: { perMinute: 1, burst: 4 },
        }),
      ],
      controllers: [DeploymentServiceTestHandler],
    }).compile();
    app = module.createNestApplication({ logger: false });
    // without inheritAppConfig Nest gives the gRPC server no global guards at all
    app.connectMicroservice(
      { transport: Transport.GRPC, options: { package: 'gantry.v1', protoPath: DEPLOYMENTS_PROTO_PATH, url: `127.0.0.1:${port}` } },
      { inheritAppConfig: true },
    );
    await app.startAllMicroservices();
    await app.init();
    const proto = loadPackageDefinition(loadSync(DEPLOYMENTS_PROTO_PATH)) as unknown as {
      gantry: { v1: { DeploymentService: new (address: string, creds: ReturnType<typeof credentials.createInsecure>) => typeof client } };
    };
    client = new proto.gantry.v1.DeploymentService(`127.0.0.1:${port}`, credentials.createInsecure());
  });

  afterAll(async () => {
    client.close();
    await app.close();
  });

  const call = (method: string, key?: string) =>
    new Promise<Answer>((resolve) => {
      const metadata = new Metadata();
      if (key) metadata.set('x-api-key', key);
      client[method]({ id: 'd-1' }, metadata, (error, value) => resolve(error ? { code: error.code, details: error.details } : { value }));
    });

  it('answers UNAUTHENTICATED without credentials', async () => {
    expect(await call('GetDeployment')).toMatchObject({ code: 16, details: expect.stringMatching(/authentication required/) });
  });

  it('answers PERMISSION_DENIED when the roles do not grant the permission', async () => {
    expect(await call('GetDeployment', 'lg')).toMatchObject({ code: 7 });
  });

  it('lets a granted caller through and hands its identity to the handler', async () => {
    expect(await call('GetDeployment', 'sn')).toEqual({ value: expect.objectContaining({ id: 'd-1', requestedBy: 'servicenow' }) });
  });

  it('refuses a handler that declares no permission (deny by default)', async () => {
    expect(await call('RequestDeployment', 'sn')).toMatchObject({ code: 7 });
  });

  it('answers RESOURCE_EXHAUSTED to an address past its failed authentications (4 at once), before looking at its key', async () => {
    // one failure came from the first test
    for (let i = 0; i < 3; i++) expect(await call('GetDeployment', `guess-${i}`)).toMatchObject({ code: 16 });
    expect(await call('GetDeployment', 'sn')).toMatchObject({ code: 8, details: expect.stringMatching(/too many failed authentications from this address; retry after \d+ s/) });
  });
});
