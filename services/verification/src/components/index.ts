export { AuthorisedRepository } from './authorised-repository';
export { ComponentsController } from './components.controller';
export { itamComponentsConsumer } from './itam-components.consumer';
