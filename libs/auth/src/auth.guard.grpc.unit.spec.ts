import 'reflect-metadata';
import type { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { RpcException } from '@nestjs/microservices';
import { Metadata } from '@grpc/grpc-js';
import { AuthGuard } from './auth.guard';
import { grpcIdentity, RequirePermission } from './decorators';
import { hashApiKey } from './tokens';

class DeploymentServiceTestHandler {
  @RequirePermission('deployments:request')
  requestDeployment() {}
}

const guard = new AuthGuard(new Reflector(), {
  apiKeys: [
    { name: 'servicenow', sha256: hashApiKey('sn'), roles: ['change-manager'] },
    { name: 'grafana', sha256: hashApiKey('gf'), roles: ['product-owner'] },
  ],
});

const rpcCall = (metadata: Metadata) =>
  ({
    getType: () => 'rpc',
    getHandler: () => DeploymentServiceTestHandler.prototype.requestDeployment,
    getClass: () => DeploymentServiceTestHandler,
    switchToRpc: () => ({ getContext: () => metadata, getData: () => ({}) }),
  }) as unknown as ExecutionContext;

const withKey = (key?: string) => {
  const metadata = new Metadata();
  if (key) metadata.set('x-api-key', key);
  return metadata;
};

const rpcError = async (metadata: Metadata) => {
  const error = await guard.canActivate(rpcCall(metadata)).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RpcException);
  return (error as RpcException).getError();
};

describe('AuthGuard (gRPC)', () => {
  it('answers UNAUTHENTICATED without credentials', async () => {
    expect(await rpcError(withKey())).toMatchObject({ code: 16 });
  });

  it('answers PERMISSION_DENIED when the roles do not grant the permission', async () => {
    expect(await rpcError(withKey('gf'))).toMatchObject({ code: 7 });
  });

  it('lets a granted caller through and files its identity under the call metadata', async () => {
    const metadata = withKey('sn');
    await expect(guard.canActivate(rpcCall(metadata))).resolves.toBe(true);
    expect(grpcIdentity(metadata)).toEqual({ subject: 'servicenow', roles: ['change-manager'], channel: 'grpc', kind: 'system' });
  });
});
