import { Body, Controller, HttpCode, Param, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { RequirePermission, type Identity } from '@gantry/auth';
import { claimAgentStepBody, reportAgentStepBody, type ClaimAgentStepBody, type ReportAgentStepBody } from '@gantry/contracts';
import { ApiBodyFrom, Clock, CommandContext, momentOf, RuleRefused, SchemaBody, SchemaParam, type RequestContext } from '@gantry/platform';
import { outcomeOf } from '../runs';
import { AgentSteps, type Agent } from './agent-steps';

const LeaseIdPipe = new SchemaParam({ type: 'string', minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9-]+$' }, 'a lease id');
const DEFAULT_WAIT_SECONDS = 20;

/**
 * The agent the token names: its own environment and targets, nothing else (403 with a code otherwise). A lease is
 * renewed and reported by the subject it was given to; anyone else's lease is unknown to them (409).
 */
function agentOf(identity: Identity, environment: string, targets?: readonly string[]): Agent {
  const scope = identity.agentScope;
  if (!scope) throw new RuleRefused('AgentScopeRequired', { detail: 'the token names no environment (claim `environment`)' }, 403);
  if (environment !== scope.environment) throw new RuleRefused('EnvironmentNotInScope', { environment }, 403);
  const outside = (targets ?? []).filter((t) => scope.targets && !scope.targets.includes(t));
  if (outside.length > 0) throw new RuleRefused('TargetNotInScope', { targets: outside }, 403);
  return { subject: identity.subject, environment: scope.environment, ...(scope.targets ? { targets: scope.targets } : {}) };
}

/**
 * The pull executor's doors: agents inside an environment claim its steps (long-poll), renew their lease while they
 * work, and report the result once. See services/execution/README.md (Executors, pull).
 */
@ApiTags('agents')
@ApiBearerAuth()
@Controller('agents/steps')
export class AgentsController {
  constructor(
    private readonly steps: AgentSteps,
    private readonly clock: Clock,
  ) {}

  @Post('claim')
  @HttpCode(200)
  @RequirePermission('agents:pull')
  @ApiBodyFrom(claimAgentStepBody)
  async claim(@Body(new SchemaBody(claimAgentStepBody)) body: ClaimAgentStepBody, @CommandContext() context: RequestContext, @Res({ passthrough: true }) response: { status(code: number): unknown }) {
    const agent = agentOf(context.identity, body.environment, body.targets);
    const leased = await this.steps.claim(agent, body.targets ?? agent.targets, (body.waitSeconds ?? DEFAULT_WAIT_SECONDS) * 1000, () => momentOf(this.clock));
    if (!leased) response.status(204);
    return leased;
  }

  @Post(':leaseId/renew')
  @HttpCode(200)
  @RequirePermission('agents:pull')
  renew(@Param('leaseId', LeaseIdPipe) leaseId: string, @CommandContext() context: RequestContext) {
    return this.steps.renew(leaseId, context.identity.subject, context);
  }

  @Post(':leaseId/report')
  @HttpCode(200)
  @RequirePermission('agents:pull')
  @ApiBodyFrom(reportAgentStepBody)
  report(@Param('leaseId', LeaseIdPipe) leaseId: string, @Body(new SchemaBody(reportAgentStepBody)) body: ReportAgentStepBody, @CommandContext() context: RequestContext) {
    const outcome = outcomeOf(body);
    if (outcome.status !== 'succeeded' && outcome.status !== 'failed') throw new RuleRefused('ReportInvalid', {}, 422);
    return this.steps.report(leaseId, context.identity.subject, outcome, context);
  }
}
