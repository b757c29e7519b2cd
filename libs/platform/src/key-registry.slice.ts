import { Body, Controller, Get, HttpCode, Param, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiTags } from '@nestjs/swagger';
import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { RequirePermission, type Permission } from '@gantry/auth';
import { label, objectOf, signingKeyIdSchema, text, timestamp, Type } from '@gantry/contracts';
import type { HttpResponse } from './errors';
import type { KeyKind } from './key-registry.decider';
import type { KeyRegistration, KeyRegistry } from './key-registry';
import { CommandContext, type RequestContext } from './request-context';
import { SchemaBody, SchemaParam } from './schema-pipes';
import type { Slice } from './slice';

/** `publicKey`: PEM text (SubjectPublicKeyInfo) or a JWK object (`kty` OKP/Ed25519 or EC/P-256). */
const registration = objectOf({
  keyId: signingKeyIdSchema,
  publicKey: {
    oneOf: [
      { type: 'string', minLength: 1, maxLength: 4000 },
      { type: 'object', required: ['kty'], maxProperties: 20, properties: { kty: { type: 'string', enum: ['OKP', 'EC'] } }, additionalProperties: { type: 'string', maxLength: 200 } },
    ],
  },
  owner: label(256),
});
/** `effectiveAt`: from when the key is no longer trusted (default now); earlier than now for a key compromised before. */
const revocation = objectOf({ reason: text(), effectiveAt: Type.Optional(timestamp) });

const KeyIdParam = new SchemaParam(signingKeyIdSchema, 'a key id');

/** A key registry's route (`signing-keys`), which also names its permissions (`<route>:read`, `<route>:manage`). */
export type KeyRegistryRoute = RouteOf<Permission>;
type RouteOf<P> = P extends `${infer R}:manage` ? (`${R}:read` extends Permission ? R : never) : never;

/**
 * A key registry's doors under `/<route>`: register, list, read, revoke. `controller`: the controller's class name,
 * which OpenAPI operation ids and docs/permissions.md go by.
 */
export function keyRegistrySlice<R extends KeyRegistryRoute>(route: R, controller: string, keys: KeyRegistry<KeyKind>): Slice {
  const read = `${route}:read` as Permission;
  const manage = `${route}:manage` as Permission;

  @ApiTags(route)
  @ApiBearerAuth()
  @Controller(route)
  class KeyRegistryController {
    @Post()
    @HttpCode(201)
    @RequirePermission(manage)
    @ApiBody({ schema: registration as SchemaObject })
    async register(@Body(new SchemaBody(registration)) body: KeyRegistration, @CommandContext() context: RequestContext, @Res({ passthrough: true }) res: HttpResponse) {
      const view = await keys.register(body, context);
      res.setHeader('Location', `/${route}/${view.keyId}`);
      return view;
    }

    @Get()
    @RequirePermission(read)
    async list() {
      return { keys: await keys.list() };
    }

    @Get(':keyId')
    @RequirePermission(read)
    async get(@Param('keyId', KeyIdParam) keyId: string) {
      return keys.get(keyId);
    }

    @Post(':keyId/revoke')
    @HttpCode(200)
    @RequirePermission(manage)
    @ApiBody({ schema: revocation as SchemaObject })
    async revoke(@Param('keyId', KeyIdParam) keyId: string, @Body(new SchemaBody(revocation)) body: { reason: string; effectiveAt?: string }, @CommandContext() context: RequestContext) {
      return keys.revoke(keyId, body.reason, body.effectiveAt ? new Date(body.effectiveAt) : context.now, context);
    }
  }
  Object.defineProperty(KeyRegistryController, 'name', { value: controller });
  return { name: route, doors: [KeyRegistryController] };
}
