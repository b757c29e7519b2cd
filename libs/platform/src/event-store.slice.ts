import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { RequirePermission } from '@gantry/auth';
import { objectOf, stringOf, Type, type Static } from '@gantry/contracts';
import { eventPages, exportedEvent, type EventStore } from '@gantry/event-store';
import type { ServiceName } from './config';
import { NotFound } from './errors';
import { ApiQueryFrom, SchemaQuery } from './schema-pipes';
import type { Slice } from './slice';
import { streamPages, type StreamingResponse } from './streaming';

export const eventStoreVerifyQuery = objectOf({
  stream: Type.Optional(stringOf({ minLength: 1, maxLength: 300, description: 'verify only this stream, by its id (`Deployment-<uuid>`); default every stream' })),
});
export const eventStoreExportQuery = objectOf({});

const pascalCase = (service: string) => service.replace(/(^|-)([a-z])/g, (_m, _dash, letter: string) => letter.toUpperCase());

async function* exportLines(store: EventStore): AsyncGenerator<string> {
  for await (const page of eventPages(store)) yield page.map((event) => `${exportedEvent(event)}\n`).join('');
}

/**
 * A service's own event store, for auditors: its hash chains recomputed from genesis, and every event exported to be
 * verified offline and compared with records' ledger (docs/source-events.md). Every service has it, under
 * `/event-stores/<service>/…`, so the standalone serves all five on one port; `serviceModule` adds it.
 */
export function eventStoreSlice(service: ServiceName, store: EventStore): Slice {
  @ApiTags('audit')
  @ApiBearerAuth()
  @Controller(`event-stores/${service}`)
  class EventStoreController {
    /** Recomputes every stream's chain (or one stream's) and names the first event that does not fit. */
    @Get('verify')
    @RequirePermission('audit:read')
    @ApiQueryFrom(eventStoreVerifyQuery)
    async verify(@Query(new SchemaQuery(eventStoreVerifyQuery)) query: Static<typeof eventStoreVerifyQuery>) {
      if (query.stream === undefined) return { service, ...(await store.verifyAll()) };
      const report = await store.verifyStream(query.stream);
      if (report.checked === 0 && report.intact) throw new NotFound(`${service} has no stream ${query.stream}`);
      return { service, stream: query.stream, ...report };
    }

    /** Every event as NDJSON (`exportedEvent`), streamed page by page in commit order: constant memory for any store. */
    @Get('export')
    @RequirePermission('audit:read')
    @ApiQueryFrom(eventStoreExportQuery)
    async export(@Res() res: StreamingResponse, @Query(new SchemaQuery(eventStoreExportQuery)) _query: Static<typeof eventStoreExportQuery>) {
      await streamPages(res, { 'content-type': 'application/x-ndjson', 'content-disposition': `attachment; filename="gantry-${service}-events.ndjson"` }, exportLines(store));
    }
  }
  // one controller class per service: routes, OpenAPI operation ids and docs/permissions.md tell them apart by name
  Object.defineProperty(EventStoreController, 'name', { value: `${pascalCase(service)}EventStoreController` });
  return { name: 'event-store', doors: [EventStoreController] };
}
