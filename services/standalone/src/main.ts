import { runMain } from '@gantry/platform';
import { standalone } from './standalone';

/** The embedded default: all five services in one process (PGlite and the in-process bus unless configured). */
void runMain('standalone', standalone);
