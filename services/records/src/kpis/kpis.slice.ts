import type { Slice } from '@gantry/platform';
import { KpisController } from './kpis.controller';

/** The practice's KPIs over a period, with the deployments that contributed to each. */
export const kpisSlice: Slice = { name: 'kpis', doors: [KpisController] };
