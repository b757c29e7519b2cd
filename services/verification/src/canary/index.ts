export { CanaryAnalyses } from './canary-analyses';
export { canarySlice } from './canary.slice';
