export { Evaluations } from './evaluations';
export { evaluationsSlice } from './evaluations.slice';
