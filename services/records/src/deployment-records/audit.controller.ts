import { BadRequestException, Controller, Get, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiQuery, ApiTags } from '@nestjs/swagger';
import { RequirePermission } from '@gantry/auth';
import { Database, EventStore } from '@gantry/event-store';
import { NotFound } from '@gantry/platform';
import { readDeploymentEntries } from '../ledger/ledger';
import { deploymentsRequestedInto, environmentAsOf, recordAsOf } from './as-of';
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

  /** The deployment rebuilt from what the ledger held at `asOf` (default: now). */
  @Get('deployments/:id/state')
  @RequirePermission('audit:read')
  @ApiQuery({ name: 'asOf', required: false, description: 'ISO 8601 time' })
  async deploymentStateAsOf(@Param('id', new ParseUUIDPipe()) deploymentId: string, @Query('asOf') asOf?: string) {
    const at = instant(asOf);
    const rebuilt = recordAsOf(deploymentId, await readDeploymentEntries(this.db, this.store.schema, deploymentId), at);
    if (!rebuilt) throw new NotFound(`the ledger held nothing about deployment ${deploymentId} at ${at}`);
    return { deploymentId, asOf: at, ledgerPosition: rebuilt.position, state: rebuilt.record };
  }

  /** What was deployed in an environment at `asOf`, per service: versions and digests, deployment, change, requester, model. */
  @Get('environments/:name/state')
  @RequirePermission('audit:read')
  @ApiQuery({ name: 'asOf', required: false, description: 'ISO 8601 time' })
  async environmentStateAsOf(@Param('name') name: string, @Query('asOf') asOf?: string) {
    if (typeof name !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._:-]{0,199}$/.test(name)) throw new BadRequestException('name must be an environment name');
    const at = instant(asOf);
    const records = [];
    for (const deploymentId of await deploymentsRequestedInto(this.db, this.store.schema, name, at)) {
      const rebuilt = recordAsOf(deploymentId, await readDeploymentEntries(this.db, this.store.schema, deploymentId), at);
      if (rebuilt) records.push(rebuilt.record);
    }
    return { environment: name, asOf: at, services: environmentAsOf(records) };
  }
}

const instant = (asOf: string | undefined): string => {
  if (asOf === undefined) return new Date().toISOString();
  if (typeof asOf !== 'string' || asOf.length > 40 || Number.isNaN(Date.parse(asOf))) throw new BadRequestException('asOf must be an ISO 8601 time, e.g. 2026-12-01T22:00:00Z');
  return new Date(asOf).toISOString();
};
