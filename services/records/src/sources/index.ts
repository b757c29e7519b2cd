export { compareWithLedger, type SourceComparison } from './source-comparison';
export { sourcesSlice } from './sources.slice';
