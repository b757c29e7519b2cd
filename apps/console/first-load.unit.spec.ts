import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { BUDGET_BYTES, firstLoad } from './first-load';

/** The console's first load stays under 300 KB of gzipped JavaScript (scripts/test.sh builds dist/console first). */
it('loads at most 300 KB of gzipped JavaScript first', () => {
  const build = join(__dirname, '..', '..', 'dist', 'console');
  expect(existsSync(join(build, 'index.html'))).toBe(true);
  const { scripts, gzipBytes } = firstLoad(build);
  expect(scripts.length).toBeGreaterThan(0);
  expect(gzipBytes).toBeLessThanOrEqual(BUDGET_BYTES);
});
