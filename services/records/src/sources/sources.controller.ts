import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { RequirePermission } from '@gantry/auth';
import { enumOf, objectOf, SERVICES, type Static } from '@gantry/contracts';
import { Database, EventStore } from '@gantry/event-store';
import { ApiQueryFrom, NotFound, schemaOf, SchemaQuery } from '@gantry/platform';
import { compareWithLedger } from './source-comparison';

/** The service whose event store is compared with the ledger. */
export const sourcesVerifyQuery = objectOf({ service: enumOf(SERVICES) });

/**
 * The services' own event stores against the ledger: each event a service holds must be the one it published, as the
 * ledger recorded it (its hash, stream, version and type), and each event the ledger recorded must still be there.
 */
@ApiTags('audit')
@ApiBearerAuth()
@Controller('audit/sources')
export class SourcesController {
  constructor(
    private readonly db: Database,
    private readonly store: EventStore,
  ) {}

  @Get('verify')
  @RequirePermission('audit:read')
  @ApiQueryFrom(sourcesVerifyQuery)
  async verify(@Query(new SchemaQuery(sourcesVerifyQuery)) query: Static<typeof sourcesVerifyQuery>) {
    const source = new EventStore(this.db, schemaOf(query.service));
    try {
      return await compareWithLedger(query.service, source, this.db, this.store.schema);
    } catch (error) {
      // a service whose process has not yet migrated its schema into the database records reads (distributed mode)
      if (['42P01', '3F000'].includes((error as { code?: string }).code ?? '')) throw new NotFound(`${query.service}'s event store is not in this database (yet): its schema ${source.schema} has no events table`);
      throw error;
    }
  }
}
