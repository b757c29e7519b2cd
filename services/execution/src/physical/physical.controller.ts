import { Body, Controller, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { RequirePermission } from '@gantry/auth';
import { ApiBodyFrom, CommandContext, SchemaBody, SchemaParam, type RequestContext } from '@gantry/platform';
import {
  answerSiteCheckBody,
  checklistItemSchema,
  installUnitsBody,
  receiveDeliveryBody,
  resolveDiscrepancyBody,
  siteSchema,
  type AnswerSiteCheckBody,
  type InstallUnitsBody,
  type ReceiveDeliveryBody,
  type ResolveDiscrepancyBody,
} from '@gantry/contracts';
import { PhysicalDeployments } from './physical-readiness';

const uuid = new ParseUUIDPipe();
const SiteParam = new SchemaParam(siteSchema, 'a site (a target\'s "site" label, or a target without one)');
const ItemParam = new SchemaParam(checklistItemSchema, 'a checklist item: power, backup-power, cooling, fire-protection, space, network, access');

/** The doors of a physical deployment's site readiness and logistics, beside its run's. */
@ApiTags('runs')
@ApiBearerAuth()
@Controller('runs')
export class PhysicalDeploymentsController {
  constructor(private readonly physical: PhysicalDeployments) {}

  @Post(':deploymentId/sites/:site/checklist/:item')
  @HttpCode(200)
  @RequirePermission('runs:perform-manual-steps')
  @ApiBodyFrom(answerSiteCheckBody)
  answer(
    @Param('deploymentId', uuid) id: string,
    @Param('site', SiteParam) site: string,
    @Param('item', ItemParam) item: string,
    @Body(new SchemaBody(answerSiteCheckBody)) body: AnswerSiteCheckBody,
    @CommandContext() context: RequestContext,
  ) {
    return this.physical.answerSiteCheck(id, site, item, body.result, body.evidence, context.identity, context);
  }

  @Post(':deploymentId/deliveries')
  @HttpCode(200)
  @RequirePermission('runs:perform-manual-steps')
  @ApiBodyFrom(receiveDeliveryBody)
  receive(@Param('deploymentId', uuid) id: string, @Body(new SchemaBody(receiveDeliveryBody)) body: ReceiveDeliveryBody, @CommandContext() context: RequestContext) {
    return this.physical.receiveDelivery(id, body.received, context.identity, context);
  }

  @Post(':deploymentId/deliveries/discrepancies/resolve')
  @HttpCode(200)
  @RequirePermission('runs:control')
  @ApiBodyFrom(resolveDiscrepancyBody)
  resolve(@Param('deploymentId', uuid) id: string, @Body(new SchemaBody(resolveDiscrepancyBody)) body: ResolveDiscrepancyBody, @CommandContext() context: RequestContext) {
    return this.physical.resolveDiscrepancy(id, body.component, body.serial, body.reason, context.identity, context);
  }

  /** Installation records per unit: the serials put in place at a target. */
  @Post(':deploymentId/installations')
  @HttpCode(200)
  @RequirePermission('runs:perform-manual-steps')
  @ApiBodyFrom(installUnitsBody)
  install(@Param('deploymentId', uuid) id: string, @Body(new SchemaBody(installUnitsBody)) body: InstallUnitsBody, @CommandContext() context: RequestContext) {
    return this.physical.installUnits(id, body.target, body.serials, context.identity, context);
  }
}
