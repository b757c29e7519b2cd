export { changeEnablementSlice } from './change-enablement.slice';
