import type { Slice } from '@gantry/platform';
import { Suppliers } from './suppliers';
import { SuppliersController } from './suppliers.controller';

/** Supplier organisations: who answers for each, and the scope its engineers perform manual steps in. */
export const suppliersSlice = (suppliers: Suppliers): Slice => ({
  name: 'suppliers',
  doors: [SuppliersController],
  provides: [{ provide: Suppliers, useValue: suppliers }],
});
