export { CANARY_DEADLINE_TIMER, CanaryAnalyses } from './canary-analyses';
export { canaryAnalysisReactions } from './canary-analysis.reactions';
