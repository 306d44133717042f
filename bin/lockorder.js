#!/usr/bin/env node
'use strict';
// In a checkout, runs the compiled CLI (out/, what `npm run build` makes); where only the bundle
// exists (an installed package), runs dist/cli.js. The checkout wins so that a stale bundle never
// stands in for fresh sources.
//
// The CLI runs in a child Node with a larger heap and young generation and other V8 flags
// (nodeFlags.js says which and why), unless this Node was started with a heap size already.
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { cliNodeFlags } = require('./nodeFlags');

const compiled = path.join(__dirname, '..', 'out', 'server', 'src', 'cli', 'main.js');
const bundled = path.join(__dirname, '..', 'dist', 'cli.js');
const entry = fs.existsSync(compiled) ? compiled : bundled;
if (!fs.existsSync(entry)) {
  process.stderr.write('lockorder: the CLI is not built; run `npm run build` first\n');
  process.exit(2);
}

const HEAP_SET = 'LOCKORDER_HEAP_SET';
if (process.env[HEAP_SET] || process.execArgv.some((a) => a.startsWith('--max-old-space-size'))) {
  require(entry).runFromProcess();
} else {
  const child = spawnSync(process.execPath, [...cliNodeFlags(), __filename, ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: { ...process.env, [HEAP_SET]: '1' },
  });
  if (child.error) {
    process.stderr.write(`lockorder: could not start: ${child.error.message}\n`);
    process.exit(2);
  }
  process.exit(child.status ?? 2);
}
