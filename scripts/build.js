#!/usr/bin/env node
// `npm run build`: compiles the services, the libraries, the contracts and the operator scripts to JavaScript in dist/
// (same layout as the sources), so that production runs plain `node` on the output and needs no TypeScript tooling.
// Only files whose source changed since their output was written are compiled again; --clean starts afresh.
// `@gantry/*` imports become relative paths; the proto files the gRPC doors load are copied beside the contracts.
'use strict';
const { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } = require('node:fs');
const { dirname, join, relative } = require('node:path');

const root = join(__dirname, '..');
const out = join(root, 'dist');
const sources = ['libs', 'services', 'contracts/src', 'scripts'];
const skipped = /\.spec\.ts$|\.d\.ts$/;

function* filesUnder(dir, accept) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules') continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* filesUnder(path, accept);
    else if (accept(entry.name)) yield path;
  }
}

const upToDate = (target, source) => existsSync(target) && statSync(target).mtimeMs >= statSync(source).mtimeMs;

// Processes started together (the end-to-end suites start five) each build first: an output is written beside its
// place and renamed into it, so that none of them reads a file another is writing.
function writeOutput(target, content) {
  mkdirSync(dirname(target), { recursive: true });
  const partial = `${target}.${process.pid}.partial`;
  writeFileSync(partial, content);
  renameSync(partial, target);
}

function build({ clean = false, quiet = false } = {}) {
  const started = Date.now();
  if (clean) rmSync(out, { recursive: true, force: true });
  const swc = require('@swc/core');
  const swcrc = JSON.parse(readFileSync(join(root, '.swcrc'), 'utf8'));
  const { compilerOptions } = JSON.parse(readFileSync(join(root, 'tsconfig.base.json'), 'utf8'));
  const options = {
    ...swcrc,
    swcrc: false,
    sourceMaps: true,
    jsc: { ...swcrc.jsc, baseUrl: root, paths: compilerOptions.paths },
  };
  let compiled = 0;
  let total = 0;
  for (const source of sources) {
    for (const file of filesUnder(join(root, source), (name) => name.endsWith('.ts') && !skipped.test(name))) {
      total++;
      const target = join(out, relative(root, file)).replace(/\.ts$/, '.js');
      if (upToDate(target, file)) continue;
      const { code, map } = swc.transformFileSync(file, { ...options, filename: file, outputPath: target });
      if (map) writeOutput(`${target}.map`, map);
      writeOutput(target, `${code}\n//# sourceMappingURL=${relative(dirname(target), target)}.map\n`);
      compiled++;
    }
  }
  for (const file of filesUnder(join(root, 'contracts', 'proto'), (name) => name.endsWith('.proto'))) {
    const target = join(out, relative(root, file));
    if (!upToDate(target, file)) writeOutput(target, readFileSync(file));
  }
  if (!quiet || compiled > 0) process.stderr.write(`build: ${compiled} of ${total} files compiled into dist/ in ${Date.now() - started} ms\n`);
}

module.exports = { build };
if (require.main === module) build({ clean: process.argv.includes('--clean'), quiet: process.argv.includes('--quiet') });
