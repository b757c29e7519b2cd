#!/usr/bin/env node
// postinstall: which Node runs Gantry's npm scripts. npm links the packaged Node 24 that `npm ci` installed for this
// platform (optionalDependencies) into node_modules/.bin, ahead of the machine's on every script's PATH. Where the
// machine's own Node is recent enough, that link is removed and the machine's Node is used. The machine's Node is the
// one found on PATH without node_modules/.bin: neither the Node running this script nor the one npm runs on will do,
// since either may be the packaged one (an install run with node_modules/.bin first on PATH).
'use strict';
const { execFileSync } = require('node:child_process');
const { rmSync } = require('node:fs');
const { delimiter, join, resolve } = require('node:path');
const { nodeIsRecentEnough } = require('./run');

const bin = join(__dirname, '..', 'node_modules', '.bin');
const machinePath = (process.env.PATH ?? '')
  .split(delimiter)
  .filter((dir) => dir && resolve(dir) !== resolve(bin))
  .join(delimiter);
let machineNode;
try {
  machineNode = execFileSync('node', ['--version'], { env: { ...process.env, PATH: machinePath }, encoding: 'utf8' }).trim().replace(/^v/, '');
} catch {
  // no Node of the machine's on PATH: the packaged one stays
}
if (machineNode && nodeIsRecentEnough(machineNode)) {
  for (const link of ['node', 'node.cmd', 'node.ps1']) rmSync(join(bin, link), { force: true });
}
