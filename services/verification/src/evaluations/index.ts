export { Evaluations, type OnVerified } from './evaluations';
export { probeOnce } from './health-probe';
export { evaluationsSlice } from './evaluations.slice';
