export { AuthorisedRepository } from './authorised-repository';
export { componentsSlice } from './components.slice';
