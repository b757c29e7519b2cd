import type { Slice } from '@gantry/platform';
import { ApiKeysController } from './api-keys.controller';

/** API keys admins issue to the systems that call Gantry, and revoke (every service keeps its own copy of them). */
export const apiKeysSlice: Slice = { name: 'api-keys', doors: [ApiKeysController] };
