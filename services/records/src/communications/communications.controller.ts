import { Controller, Get, Param, ParseUUIDPipe } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { RequirePermission } from '@gantry/auth';
import type { DeploymentNoticeIssued, KnowledgeArticleProposed } from '@gantry/contracts';
import { Database, EventStore } from '@gantry/event-store';
import { NotFound } from '@gantry/platform';
import { readDeploymentRecord } from '../deployment-records';
import { noticesStream } from './notices.reactions';

/**
 * A deployment's communications as records issued them: they live in records' own event store, not in the ledger, so
 * the deployment's audit history does not carry them.
 */
@ApiTags('audit')
@ApiBearerAuth()
@Controller('audit/deployments')
export class CommunicationsController {
  constructor(
    private readonly db: Database,
    private readonly store: EventStore,
  ) {}

  /** What the service desk and the service's stakeholders were told of the deployment, in the order told, and the knowledge article proposed. */
  @Get(':id/communications')
  @RequirePermission('audit:read')
  async communications(@Param('id', new ParseUUIDPipe()) deploymentId: string) {
    if (!(await readDeploymentRecord(this.db, this.store.schema, deploymentId))) throw new NotFound(`the ledger holds nothing about deployment ${deploymentId}`);
    const told = await this.store.readStream(noticesStream(deploymentId).streamId);
    return {
      deploymentId,
      notices: told.filter((e) => e.type === 'DeploymentNoticeIssued').map((e) => e.data as DeploymentNoticeIssued),
      knowledgeArticles: told.filter((e) => e.type === 'KnowledgeArticleProposed').map((e) => e.data as KnowledgeArticleProposed),
    };
  }
}
