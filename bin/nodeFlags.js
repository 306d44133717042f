'use strict';
// The Node flags the CLI runs with: bin/lockorder.js starts the CLI's process with them, and
// scripts/bench.mjs runs the CLI in-process with the same.
//
// Node's default heap (about 4 GB) is too small for a whole kernel tree, so the heap may use up to
// three quarters of the machine's memory. The young generation is larger than the default too: the
// flow pass makes many objects that live for one function's analysis, and with 16 MB semi-spaces
// they survive scavenges and are copied again and again. TurboFan does not inline: the engine's big
// functions are optimised several times over a run (once per worker thread, again when new object
// shapes turn up), and with inlining each compile costs several times more; without it a run of fs/
// takes about 10 % less CPU (the whole tree a little less too). The old generation starts at 1 GB:
// the facts of every file are kept until the end, so the heap only grows, and each major collection
// V8 starts on the way there (marking on other threads, finalising on this one) finds next to no
// garbage. On fs/ (peak RSS about 700 MB) that is none at all: 0.3 s less wall time (7 alternated
// runs) for 20-40 MB more RSS.
const os = require('node:os');

function cliNodeFlags() {
  const heapMb = Math.max(4096, Math.floor((os.totalmem() / 1048576) * 0.75));
  return [`--max-old-space-size=${heapMb}`, '--initial-old-space-size=1024', '--max-semi-space-size=64', '--no-turbo-inlining'];
}

module.exports = { cliNodeFlags };
