import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiTags } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsIn, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { createHash, randomBytes } from 'node:crypto';
import { RequirePermission, ROLES, type Role } from '@gantry/auth';
import { Database, EventStore } from '@gantry/event-store';
import { CommandContext, executeCommand, listApiKeys, NotFound, RuleRefused, type RequestContext } from '@gantry/platform';
import { apiKeyDecider, apiKeyStream } from './api-key.decider';

export class IssueApiKeyDto {
  @ApiProperty({ description: 'the system the key is for; the subject of everything it does' })
  @IsString()
  @Matches(/^[A-Za-z0-9][A-Za-z0-9._@-]{0,127}$/, { message: 'name may hold letters, digits, ".", "_", "@" and "-" (at most 128), starting with a letter or digit' })
  name!: string;
  @ApiProperty({ enum: ROLES, isArray: true })
  @ArrayMinSize(1)
  @ArrayMaxSize(ROLES.length)
  @ArrayUnique()
  @IsIn(ROLES, { each: true, message: `each role must be one of ${ROLES.join(', ')}` })
  roles!: Role[];
}

export class RevokeApiKeyDto {
  @ApiProperty() @IsString() @MinLength(1) @MaxLength(2000) reason!: string;
}

/**
 * API keys for systems, issued and revoked by admins. Recorded in records' store (so in the ledger, with the admin
 * as actor) by the key's sha256 only; every service learns them from records' topic within moments.
 */
@ApiTags('access')
@ApiBearerAuth()
@Controller('api-keys')
export class ApiKeysController {
  constructor(
    private readonly db: Database,
    private readonly store: EventStore,
  ) {}

  /** Issues a key and shows it once: it is not kept, only its hash is. */
  @Post()
  @RequirePermission('access:manage')
  async issue(@Body() body: IssueApiKeyDto, @CommandContext() context: RequestContext) {
    const key = `gk_${randomBytes(32).toString('base64url')}`;
    const issued = {
      keyId: context.newId(),
      name: body.name,
      roles: body.roles,
      sha256: createHash('sha256').update(key, 'utf8').digest('hex'),
      issuedBy: context.identity.subject,
      issuedAt: context.now.toISOString(),
    };
    await executeCommand(this.store, apiKeyDecider, apiKeyStream(issued.keyId), { type: 'IssueApiKey', key: issued }, context);
    const { sha256: _hash, ...shown } = issued;
    return { ...shown, key, note: 'the key is shown this once; send it as X-Api-Key' };
  }

  /** Every issued key, without secrets, with its revocation and last use (uses against records; other services keep their own). */
  @Get()
  @RequirePermission('access:manage')
  async list() {
    return { apiKeys: await listApiKeys(this.db, this.store.schema) };
  }

  @Post(':keyId/revoke')
  @HttpCode(200)
  @RequirePermission('access:manage')
  async revoke(@Param('keyId', new ParseUUIDPipe({ errorHttpStatusCode: 400 })) keyId: string, @Body() body: RevokeApiKeyDto, @CommandContext() context: RequestContext) {
    try {
      const { state } = await executeCommand(
        this.store,
        apiKeyDecider,
        apiKeyStream(keyId),
        { type: 'RevokeApiKey', keyId, reason: body.reason, by: context.identity.subject, at: context.now.toISOString() },
        context,
      );
      return state.status === 'revoked' ? state.revoked : { keyId };
    } catch (error) {
      if (error instanceof RuleRefused && error.code === 'ApiKeyNotFound') throw new NotFound(`no API key ${keyId}`);
      throw error;
    }
  }
}
