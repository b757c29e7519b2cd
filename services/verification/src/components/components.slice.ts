import type { Slice } from '@gantry/platform';
import { AuthorisedRepository } from './authorised-repository';
import { ComponentsController } from './components.controller';
import { itamComponentsConsumer } from './itam-components.consumer';

/** The authorised repository: component versions registered (over REST or from IT asset management) or withdrawn. */
export const componentsSlice = (repository: AuthorisedRepository): Slice => ({
  name: 'components',
  doors: [ComponentsController],
  provides: [{ provide: AuthorisedRepository, useValue: repository }],
  consumers: [itamComponentsConsumer(repository)],
});
