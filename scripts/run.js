#!/usr/bin/env node
// The one way to run a Gantry program from its compiled output: `node scripts/run.js <source.ts> [args...]`
// (`npm start`, `npm run start:service`, `npm run token`, the image's entrypoint). In a checkout it first compiles what
// changed (scripts/build.js); in the image, where only dist/ is shipped, it runs what is there.
'use strict';
const { existsSync } = require('node:fs');
const { join, relative, resolve } = require('node:path');

const MINIMUM_NODE = [24, 9];
const root = join(__dirname, '..');

function nodeIsRecentEnough(version = process.versions.node) {
  const [major, minor] = version.split('.').map(Number);
  return major > MINIMUM_NODE[0] || (major === MINIMUM_NODE[0] && minor >= MINIMUM_NODE[1]);
}

function fail(message) {
  process.stderr.write(`${message}\n`);
  process.exit(2);
}

function main() {
  const [source, ...args] = process.argv.slice(2);
  if (!source) fail('usage: node scripts/run.js <source.ts> [args...]');
  if (!nodeIsRecentEnough()) {
    fail(
      `Gantry needs Node.js ${MINIMUM_NODE.join('.')} or later; this is ${process.version} (${process.execPath}).\n` +
        `npm ci installs a packaged Node 24 where the registry has one for ${process.platform}-${process.arch} ` +
        '(Linux x64 and arm64, macOS x64, Windows x64): run npm scripts through npm (`npm start`), or install Node 24 from https://nodejs.org.',
    );
  }
  const sourcePath = resolve(root, source);
  if (existsSync(join(root, 'scripts', 'build.js')) && existsSync(join(root, 'node_modules', '@swc', 'core'))) {
    require('./build').build({ quiet: true });
  }
  const compiled = join(root, 'dist', relative(root, sourcePath)).replace(/\.ts$/, '.js');
  if (!existsSync(compiled)) fail(`${relative(root, compiled)} does not exist: run \`npm run build\` first`);
  // kafkajs sets timers with negative delays (they fire at once); Node 24 warns about each, which says nothing to a user
  const emitWarning = process.emitWarning;
  process.emitWarning = (warning, ...rest) => {
    const type = typeof rest[0] === 'string' ? rest[0] : rest[0]?.type;
    if (type !== 'TimeoutNegativeWarning') emitWarning.call(process, warning, ...rest);
  };
  process.setSourceMapsEnabled(true);
  process.argv = [process.argv[0], compiled, ...args];
  require(compiled);
}

module.exports = { nodeIsRecentEnough, main };
if (require.main === module) main();
