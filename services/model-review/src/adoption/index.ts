export { adoptionSlice } from './adoption.slice';
