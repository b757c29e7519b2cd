import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { createHash, randomBytes } from 'node:crypto';
import { RequirePermission, ROLES } from '@gantry/auth';
import { Database, EventStore } from '@gantry/event-store';
import { ApiKeyIssued, arrayOf, enumOf, objectOf, revokeApiKeyBody, type Static } from '@gantry/contracts';
import { ApiBodyFrom, CommandContext, executeCommand, listApiKeys, NotFound, RuleRefused, SchemaBody, type RequestContext } from '@gantry/platform';
import { apiKeyDecider, apiKeyStream } from './api-key.decider';

/** The body of `POST /api-keys`: the system's name as the key's event records it, and its roles (one of each at most). */
export const issueApiKeyBody = objectOf({
  /** the system the key is for; the subject of everything it does */
  name: ApiKeyIssued.properties.name,
  roles: arrayOf(enumOf(ROLES), ROLES.length, 1, { uniqueItems: true }),
});
type IssueApiKeyBody = Static<typeof issueApiKeyBody>;

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
  @ApiBodyFrom(issueApiKeyBody)
  async issue(@Body(new SchemaBody(issueApiKeyBody)) body: IssueApiKeyBody, @CommandContext() context: RequestContext) {
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
  @ApiBodyFrom(revokeApiKeyBody)
  async revoke(@Param('keyId', new ParseUUIDPipe({ errorHttpStatusCode: 400 })) keyId: string, @Body(new SchemaBody(revokeApiKeyBody)) body: { reason: string }, @CommandContext() context: RequestContext) {
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
