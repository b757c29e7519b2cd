#!/usr/bin/env node
// `npm run build`: compiles the services, the libraries, the contracts and the operator scripts to JavaScript in dist/
// (same layout as the sources), so that production runs plain `node` on the output and needs no TypeScript tooling.
// Only files whose source changed since their output was written are compiled again; --clean starts afresh.
// `@gantry/*` imports become relative paths; the proto files the gRPC doors load are copied beside the contracts.
// The web console (apps/console) is bundled by Vite into dist/console, which the embedded default serves at `/`.
'use strict';
const { spawnSync } = require('node:child_process');
const { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, writeSync } = require('node:fs');
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

// Processes started together wait for each other's build rather than build at once: on two cores five builds at once
// are five times the work, and Vite refuses a second build of the same project while one runs. The lock is a file
// holding its builder's pid; a lock whose builder has died is taken over.
function whileBuildLockHeld(work) {
  // outside dist/, which --clean removes
  const lock = join(root, 'node_modules', '.gantry-build.lock');
  for (const deadline = Date.now() + 300_000; ; ) {
    try {
      const fd = openSync(lock, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      break;
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
      const alive = builderAlive(lock);
      // let go between our attempt and the read (processes starting together): try again at once
      if (alive === undefined) continue;
      if (!alive) rmSync(lock, { force: true });
      else if (Date.now() > deadline) throw new Error(`build: ${lock} has been held for 5 minutes; remove it if no build runs`);
      else Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
    }
  }
  try {
    return work();
  } finally {
    rmSync(lock, { force: true });
  }
}

/** Whether the lock's holder still runs; undefined when the lock is gone. */
function builderAlive(lock) {
  let pid;
  try {
    pid = Number(readFileSync(lock, 'utf8'));
  } catch (error) {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  }
  if (!pid) return true; // written a moment ago, its pid not yet
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

function build(options = {}) {
  return whileBuildLockHeld(() => buildUnlocked(options));
}

function buildUnlocked({ clean = false, quiet = false } = {}) {
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
  buildConsole({ quiet });
}

// what the console's bundle is made of: a change to any of these makes it again
const consoleSources = ['apps/console', 'libs/client/src', 'libs/auth/src/roles.ts', 'package-lock.json'];

function newestConsoleSource() {
  let newest = 0;
  for (const source of consoleSources) {
    const path = join(root, source);
    const files = statSync(path).isDirectory() ? filesUnder(path, (name) => !name.endsWith('.spec.ts')) : [path];
    for (const file of files) newest = Math.max(newest, statSync(file).mtimeMs);
  }
  return newest;
}

function buildConsole({ quiet = false } = {}) {
  const target = join(out, 'console');
  const index = join(target, 'index.html');
  if (existsSync(index) && statSync(index).mtimeMs >= newestConsoleSource()) return;
  const started = Date.now();
  // built beside its place and renamed into it, like the compiled files: processes that build at once never read half of it
  const partial = `${target}.${process.pid}.partial`;
  const vite = spawnSync(process.execPath, [join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--configLoader', 'runner', '--config', join(root, 'apps', 'console', 'vite.config.mts'), '--outDir', partial, '--emptyOutDir', '--logLevel', 'warn'], {
    cwd: root,
    encoding: 'utf8',
  });
  if (vite.status !== 0) {
    rmSync(partial, { recursive: true, force: true });
    throw new Error(`build: the console's bundle failed:\n${vite.stdout}${vite.stderr}`);
  }
  rmSync(target, { recursive: true, force: true });
  try {
    renameSync(partial, target);
  } catch (error) {
    // another process put its own build there first: the same sources, the same bundle
    rmSync(partial, { recursive: true, force: true });
    if (!existsSync(index)) throw error;
  }
  const { firstLoad } = require('../apps/console/first-load');
  const { gzipBytes, bytes } = firstLoad(target);
  process.stderr.write(`build: console bundled into dist/console in ${Date.now() - started} ms; first load ${(gzipBytes / 1024).toFixed(1)} KiB of JavaScript gzipped (${(bytes / 1024).toFixed(1)} KiB minified)\n`);
}

module.exports = { build, buildConsole };
if (require.main === module) build({ clean: process.argv.includes('--clean'), quiet: process.argv.includes('--quiet') });
