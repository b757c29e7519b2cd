#!/usr/bin/env node
// postinstall: which Node runs Gantry's npm scripts. npm links the packaged Node 24 that `npm ci` installed for this
// platform (optionalDependencies) into node_modules/.bin, ahead of the machine's on every script's PATH. Where the
// machine's own Node, the one npm runs on, is recent enough, that link is removed and the machine's Node is used.
// This script itself may run on either (the link is already on PATH), so npm's user agent says which one npm runs on.
'use strict';
const { rmSync } = require('node:fs');
const { join } = require('node:path');
const { nodeIsRecentEnough } = require('./run');

const machineNode = /\bnode\/v(\d+\.\d+\.\d+)/.exec(process.env.npm_config_user_agent ?? '')?.[1];
if (machineNode && nodeIsRecentEnough(machineNode)) {
  for (const link of ['node', 'node.cmd', 'node.ps1']) rmSync(join(__dirname, '..', 'node_modules', '.bin', link), { force: true });
}
