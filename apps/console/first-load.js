// The console's first load: the JavaScript its index.html loads (its entry script and the modules it preloads),
// gzipped as a server would send it. `npm run build` prints it; apps/console/first-load.unit.spec.ts holds it under budget.
'use strict';
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const { gzipSync } = require('node:zlib');

const BUDGET_BYTES = 300 * 1024;

function firstLoad(buildDir) {
  const html = readFileSync(join(buildDir, 'index.html'), 'utf8');
  const files = [...html.matchAll(/<(?:script[^>]*\ssrc|link[^>]*rel="modulepreload"[^>]*\shref)="\.?\/?([^"]+\.js)"/g)].map((m) => m[1]);
  const scripts = files.map((file) => {
    const bytes = readFileSync(join(buildDir, file));
    return { file, bytes: bytes.length, gzipBytes: gzipSync(bytes, { level: 9 }).length };
  });
  return { scripts, bytes: scripts.reduce((n, s) => n + s.bytes, 0), gzipBytes: scripts.reduce((n, s) => n + s.gzipBytes, 0) };
}

module.exports = { firstLoad, BUDGET_BYTES };
