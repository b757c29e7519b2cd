import { Controller, Get, Param, ParseUUIDPipe } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { RequirePermission } from '@gantry/auth';
import { Database, EventStore } from '@gantry/event-store';
import { NotFound } from '@gantry/platform';
import { readDeploymentEntries } from '../ledger/ledger';
import { causalOrder } from './causal-order';
import { emptyRecord, evolveRecord } from './deployment-record.decider';
import { readDeploymentRecord } from './deployment-records.projection';

@ApiTags('audit')
@ApiBearerAuth()
@Controller('audit')
export class AuditController {
  constructor(
    private readonly db: Database,
    private readonly store: EventStore,
  ) {}

  /**
   * A deployment's full history across services in causal order, the record rebuilt from the ledger by folding
   * that history, and the live projection's record (the two must agree).
   */
  @Get('deployments/:id')
  @RequirePermission('audit:read')
  async deploymentHistory(@Param('id', new ParseUUIDPipe()) deploymentId: string) {
    const entries = await readDeploymentEntries(this.db, this.store.schema, deploymentId);
    if (entries.length === 0) throw new NotFound(`the ledger holds nothing about deployment ${deploymentId}`);
    const history = causalOrder(entries);
    const rebuilt = entries.reduce((record, entry) => evolveRecord(record, entry.event), emptyRecord(deploymentId));
    const projected = await readDeploymentRecord(this.db, this.store.schema, deploymentId);
    return {
      deploymentId,
      state: rebuilt,
      projection: projected ?? null,
      history: history.map((e) => ({
        position: e.position,
        topic: e.topic,
        type: e.event.type,
        source: e.event.source,
        id: e.event.id,
        time: e.event.time,
        causationId: e.event.causationid ?? null,
        correlationId: e.event.correlationid ?? null,
        actor: e.event.actor ?? null,
        data: e.event.data,
        hash: e.hash,
      })),
    };
  }
}
