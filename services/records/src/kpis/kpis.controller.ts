import { BadRequestException, Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ENVIRONMENT_KINDS, enumOf, isoTime, objectOf, stringOf, Type, type EnvironmentKind, type Static } from '@gantry/contracts';
import { RequirePermission } from '@gantry/auth';
import { Database, EventStore, type SqlClient } from '@gantry/event-store';
import { ApiQueryFrom, CommandContext, periodAsked, SchemaQuery, type RequestContext } from '@gantry/platform';
import { environmentKinds, type DeploymentRecord } from '../deployment-records';
import { listAuditFindings } from '../findings';
import { incidentsLinkedTo } from '../incidents';
import { satisfactionResponsesBetween } from '../satisfaction';
import { computeKpis, KPI_DEFINITIONS, PERIODS, periodsBetween, type KpiQuery, type Period } from './kpis';

const NAME = '^[A-Za-z0-9][A-Za-z0-9._:-]{0,199}$';
/** More periods than this in one query is refused: ask for a coarser period or a shorter range. */
export const MAX_PERIODS = 400;
/** Without `from` and `to`, the KPIs of the last 30 days, per week. */
export const DEFAULT_KPI_SPAN = { days: 30, looking: 'back' } as const;
export const DEFAULT_KPI_PERIOD: Period = 'week';
/** DORA's figures are about what users get: deployments to live environments, unless another kind is asked for. */
export const DEFAULT_DORA_ENVIRONMENT_KIND: EnvironmentKind = 'production';

export const kpiQueryParams = objectOf({
  /** UTC days, ISO weeks from Monday, or months; default: week */
  period: Type.Optional(enumOf(PERIODS)),
  /** default: 30 days before `to` (without either: the last 30 days) */
  from: Type.Optional(isoTime),
  /** exclusive; default: 30 days after `from`, or now when `from` is absent too */
  to: Type.Optional(isoTime),
  environment: Type.Optional(stringOf({ pattern: NAME, description: 'an environment name' })),
  /** the kind of environment change failure rate, lead time, deployment frequency and time to restore count; default: production */
  environmentKind: Type.Optional(enumOf(ENVIRONMENT_KINDS)),
  service: Type.Optional(stringOf({ pattern: NAME, description: 'a service name' })),
  /** deployment model name */
  model: Type.Optional(stringOf({ maxLength: 100, pattern: NAME, description: 'a model name' })),
});
export type KpiQueryParams = Static<typeof kpiQueryParams>;

/** Reads what the KPIs are folded from: records' projections, for the query's scope and range. */
export async function kpiInput(client: SqlClient, schema: string, query: Pick<KpiQuery, 'to' | 'environment' | 'service' | 'from'>) {
  const records = (
    await client.query<{ record: DeploymentRecord }>(
      `SELECT record FROM ${schema}.deployment_records
       WHERE ($1::text IS NULL OR environment = $1) AND ($2::text IS NULL OR service = $2) AND requested_at < $3 ORDER BY first_position`,
      [query.environment ?? null, query.service ?? null, query.to],
    )
  ).rows.map((r) => r.record);
  // a record planned before plans carried the environment's snapshot gets the kind the environment was registered with
  const kinds = await environmentKinds(client, schema);
  for (const [index, record] of records.entries()) {
    const kind = record.environmentKind ?? (record.environment ? kinds.get(record.environment) : undefined);
    if (kind) records[index] = { ...record, environmentKind: kind };
  }
  const deploymentIds = records.map((r) => r.deploymentId);
  const changeIds = [...new Set(records.flatMap((r) => (r.changeId ? [r.changeId] : [])))];
  return {
    records,
    incidents: await incidentsLinkedTo(client, schema, deploymentIds, changeIds),
    satisfaction: await satisfactionResponsesBetween(client, schema, query.from, query.to),
    findings: await listAuditFindings(client, schema, { deploymentIds }, 100_000),
  };
}

@ApiTags('kpis')
@ApiBearerAuth()
@Controller('kpis')
export class KpisController {
  constructor(
    private readonly db: Database,
    private readonly store: EventStore,
  ) {}

  /**
   * Every KPI of the practice per period, each with numerator, denominator, the deployments behind it and its
   * definition's version; without `from` and `to`, the last 30 days per week (the answer says which).
   */
  @Get()
  @RequirePermission('kpis:read')
  @ApiQueryFrom(kpiQueryParams)
  async kpis(@Query(new SchemaQuery(kpiQueryParams)) dto: KpiQueryParams, @CommandContext() context: RequestContext) {
    const { from, to } = periodAsked(dto, context.now, DEFAULT_KPI_SPAN);
    const query: KpiQuery = {
      ...dto,
      period: dto.period ?? DEFAULT_KPI_PERIOD,
      environmentKind: dto.environmentKind ?? DEFAULT_DORA_ENVIRONMENT_KIND,
      from: from.toISOString(),
      to: to.toISOString(),
      now: context.now.toISOString(),
    };
    if (query.from >= query.to) throw new BadRequestException('from must be before to');
    if (periodsBetween(query.period, query.from, query.to).length > MAX_PERIODS) throw new BadRequestException(`at most ${MAX_PERIODS} periods per query: choose a coarser period or a shorter range`);
    const periods = computeKpis(await kpiInput(this.db, this.store.schema, query), query);
    return { period: query.period, from: query.from, to: query.to, filters: { environment: dto.environment ?? null, service: dto.service ?? null, model: dto.model ?? null, environmentKind: query.environmentKind }, periods };
  }

  /** What each KPI means, and the version of its definition. */
  @Get('definitions')
  @RequirePermission('kpis:read')
  definitions() {
    return KPI_DEFINITIONS;
  }
}
