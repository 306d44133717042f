#!/usr/bin/env node
'use strict';
// In a checkout, runs the compiled CLI (out/, what `npm run build` makes); where only the bundle
// exists (an installed package), runs dist/cli.js. The checkout wins so that a stale bundle never
// stands in for fresh sources.
const fs = require('node:fs');
const path = require('node:path');

const compiled = path.join(__dirname, '..', 'out', 'server', 'src', 'cli', 'main.js');
const bundled = path.join(__dirname, '..', 'dist', 'cli.js');
const entry = fs.existsSync(compiled) ? compiled : bundled;
if (!fs.existsSync(entry)) {
  process.stderr.write('lockorder: the CLI is not built; run `npm run build` first\n');
  process.exit(2);
}
require(entry).runFromProcess();
