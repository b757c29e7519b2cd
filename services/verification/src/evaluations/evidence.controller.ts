import { Body, Controller, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiTags } from '@nestjs/swagger';
import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { RequirePermission } from '@gantry/auth';
import { label, objectOf, targetSchema, timestamp, Type } from '@gantry/contracts';
import { EventStore, type SqlClient } from '@gantry/event-store';
import { CommandContext, NotFound, type RequestContext } from '@gantry/platform';
import { SchemaBody } from '@gantry/platform';
import { EvidenceStore, lockDeploymentEvidence, type ObservationReport, type TestResultReport } from '../acceptance';
import { CanaryAnalyses } from '../canary';
import { Evaluations } from './evaluations';

const finite = { type: 'number', minimum: -1e15, maximum: 1e15 } as const;
/** One observation by monitoring: at least one value. */
const observation = {
  ...objectOf(
    {
      target: Type.Optional(targetSchema),
      errorRate: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
      p95LatencyMs: Type.Optional(Type.Number({ minimum: 0, maximum: 3_600_000 })),
      metrics: Type.Optional(Type.Unsafe({ type: 'object', minProperties: 1, maxProperties: 50, propertyNames: { maxLength: 200, pattern: '^\\S+$' }, additionalProperties: finite })),
      observedAt: Type.Optional(timestamp),
    },
  ),
  anyOf: ['errorRate', 'p95LatencyMs', 'metrics'].map((value) => ({ required: [value], properties: { [value]: {} } })),
};
const count = { type: 'integer', minimum: 0, maximum: 10_000_000 } as const;
const testResult = objectOf({ suite: Type.Optional(label()), passed: count, failed: count });

/**
 * Evidence for the acceptance criteria and canary analyses: monitoring posts observations, test runners post smoke-test
 * results. Each is stored and looked at at once by the deployment's open evaluations and canary analyses.
 */
@ApiTags('verifications')
@ApiBearerAuth()
@Controller('deployments/:deploymentId')
export class EvidenceController {
  constructor(
    private readonly store: EventStore,
    private readonly evidence: EvidenceStore,
    private readonly evaluations: Evaluations,
    private readonly canaries: CanaryAnalyses,
  ) {}

  @Post('observations')
  @HttpCode(202)
  @RequirePermission('verifications:report')
  @ApiBody({ schema: observation as SchemaObject })
  async observe(@Param('deploymentId', new ParseUUIDPipe()) deploymentId: string, @Body(new SchemaBody(observation)) body: ObservationReport, @CommandContext() context: RequestContext) {
    await this.report(deploymentId, context, (tx) => this.evidence.addObservation(tx, deploymentId, body, context.identity.subject, context.now));
    return { deploymentId, accepted: 'observation' };
  }

  @Post('test-results')
  @HttpCode(202)
  @RequirePermission('verifications:report')
  @ApiBody({ schema: testResult as SchemaObject })
  async testResults(@Param('deploymentId', new ParseUUIDPipe()) deploymentId: string, @Body(new SchemaBody(testResult)) body: TestResultReport, @CommandContext() context: RequestContext) {
    await this.report(deploymentId, context, (tx) => this.evidence.addTestResult(tx, deploymentId, body, context.identity.subject));
    return { deploymentId, accepted: 'test-results' };
  }

  private async report(deploymentId: string, context: RequestContext, add: (tx: SqlClient) => Promise<void>) {
    await this.store.db.transaction(async (tx) => {
      if (!(await lockDeploymentEvidence(tx, this.store.schema, deploymentId))) throw new NotFound(`verification knows no deployment ${deploymentId}`);
      await add(tx);
      await this.evaluations.assessAll(tx, deploymentId, context);
      await this.canaries.assessAll(tx, deploymentId, context);
    });
  }
}
