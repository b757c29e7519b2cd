export { AgentSteps, type Agent, type LeasedStep } from './agent-steps';
export { agentsSlice } from './agents.slice';
export { PullExecutor, type PullExecutorConfig } from './pull-executor';
