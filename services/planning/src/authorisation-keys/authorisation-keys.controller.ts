import { Body, Controller, Get, HttpCode, Param, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiTags } from '@nestjs/swagger';
import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { RequirePermission } from '@gantry/auth';
import { label, objectOf, signingKeyIdSchema, text, timestamp, Type } from '@gantry/contracts';
import { CommandContext, SchemaBody, SchemaParam, type HttpResponse, type RequestContext } from '@gantry/platform';
import type { JsonWebKey } from 'node:crypto';
import { AuthorisationKeys } from './authorisation-keys';

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

@ApiTags('authorisation-keys')
@ApiBearerAuth()
@Controller('authorisation-keys')
export class AuthorisationKeysController {
  constructor(private readonly keys: AuthorisationKeys) {}

  @Post()
  @HttpCode(201)
  @RequirePermission('authorisation-keys:manage')
  @ApiBody({ schema: registration as SchemaObject })
  async register(
    @Body(new SchemaBody(registration)) body: { keyId: string; publicKey: string | JsonWebKey; owner: string },
    @CommandContext() context: RequestContext,
    @Res({ passthrough: true }) res: HttpResponse,
  ) {
    const view = await this.keys.register(body, context);
    res.setHeader('Location', `/authorisation-keys/${view.keyId}`);
    return view;
  }

  @Get()
  @RequirePermission('authorisation-keys:read')
  async list() {
    return { keys: await this.keys.list() };
  }

  @Get(':keyId')
  @RequirePermission('authorisation-keys:read')
  async get(@Param('keyId', KeyIdParam) keyId: string) {
    return this.keys.get(keyId);
  }

  @Post(':keyId/revoke')
  @HttpCode(200)
  @RequirePermission('authorisation-keys:manage')
  @ApiBody({ schema: revocation as SchemaObject })
  async revoke(@Param('keyId', KeyIdParam) keyId: string, @Body(new SchemaBody(revocation)) body: { reason: string; effectiveAt?: string }, @CommandContext() context: RequestContext) {
    return this.keys.revoke(keyId, body.reason, body.effectiveAt ? new Date(body.effectiveAt) : context.now, context);
  }
}
