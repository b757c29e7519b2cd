#!/usr/bin/env node
// `npm run build`: compiles the services, the libraries, the contracts and the operator scripts to JavaScript in dist/
// (same layout as the sources), so that production runs plain `node` on the output and needs no TypeScript tooling.
// Only files whose source changed since their output was written are compiled again; --clean starts afresh.
// `@gantry/*` imports become relative paths; the proto files the gRPC doors load are copied beside the contracts.
'use strict';
const { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } = require('node:fs');
const { dirname, join, relative } = require('node:path');

const root = join(__dirname, '..');
const out = join(root, 'dist');
const sources = ['libs', 'services', 'contracts/src', 'scripts'];
const skipped = /\.spec\.ts$|\.d\.ts$/;

function* typescriptFiles(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules') continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* typescriptFiles(path);
    else if (entry.name.endsWith('.ts') && !skipped.test(entry.name)) yield path;
  }
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
    for (const file of typescriptFiles(join(root, source))) {
      total++;
      const target = join(out, relative(root, file)).replace(/\.ts$/, '.js');
      if (existsSync(target) && statSync(target).mtimeMs >= statSync(file).mtimeMs) continue;
      const { code, map } = swc.transformFileSync(file, { ...options, filename: file, outputPath: target });
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, `${code}\n//# sourceMappingURL=${relative(dirname(target), target)}.map\n`);
      if (map) writeFileSync(`${target}.map`, map);
      compiled++;
    }
  }
  cpSync(join(root, 'contracts', 'proto'), join(out, 'contracts', 'proto'), { recursive: true });
  if (!quiet || compiled > 0) process.stderr.write(`build: ${compiled} of ${total} files compiled into dist/ in ${Date.now() - started} ms\n`);
}

module.exports = { build };
if (require.main === module) build({ clean: process.argv.includes('--clean'), quiet: process.argv.includes('--quiet') });
