#!/usr/bin/env node
// `gantry`, the CLI (libs/cli), the root package's bin: run from its compiled output like every Gantry program.
'use strict';
const { join } = require('node:path');

process.argv.splice(2, 0, join(__dirname, '..', 'libs', 'cli', 'src', 'main.ts'));
require('./run').main();
