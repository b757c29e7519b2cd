export { modelOutcomesSlice } from './model-outcomes.slice';
