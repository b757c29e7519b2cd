export { kpisSlice } from './kpis.slice';
