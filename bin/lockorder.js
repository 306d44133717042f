#!/usr/bin/env node
'use strict';
// In a checkout, runs the compiled CLI (out/, what `npm run build` makes); where only the bundle
// exists (an installed package), runs dist/cli.js. The checkout wins so that a stale bundle never
// stands in for fresh sources.
//
// Node's default heap (about 4 GB) is too small for a whole kernel tree, so the CLI runs in a child
// Node whose heap may use up to three quarters of the machine's memory. Its young generation is
// larger than the default too: the flow pass makes many objects that live for one function's
// analysis, and with 16 MB semi-spaces they survive scavenges and are copied again and again.
// TurboFan does not inline: the engine's big functions are optimised several times over a run
// (once per worker thread, again when new object shapes turn up), and with inlining each compile
// costs several times more; without it a run of fs/ takes about 10 % less CPU (the whole tree a
// little less too).
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const compiled = path.join(__dirname, '..', 'out', 'server', 'src', 'cli', 'main.js');
const bundled = path.join(__dirname, '..', 'dist', 'cli.js');
const entry = fs.existsSync(compiled) ? compiled : bundled;
if (!fs.existsSync(entry)) {
  process.stderr.write('lockorder: the CLI is not built; run `npm run build` first\n');
  process.exit(2);
}

const HEAP_SET = 'LOCKORDER_HEAP_SET';
/** scripts/bench.mjs runs the CLI in-process with the same young generation: keep the two equal. */
const SEMI_SPACE_MB = 64;
const V8_FLAGS = ['--no-turbo-inlining'];
if (process.env[HEAP_SET] || process.execArgv.some((a) => a.startsWith('--max-old-space-size'))) {
  require(entry).runFromProcess();
} else {
  const heapMb = Math.max(4096, Math.floor((os.totalmem() / 1048576) * 0.75));
  const child = spawnSync(process.execPath, [`--max-old-space-size=${heapMb}`, `--max-semi-space-size=${SEMI_SPACE_MB}`, ...V8_FLAGS, __filename, ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: { ...process.env, [HEAP_SET]: '1' },
  });
  if (child.error) {
    process.stderr.write(`lockorder: could not start: ${child.error.message}\n`);
    process.exit(2);
  }
  process.exit(child.status ?? 2);
}
