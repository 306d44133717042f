#!/usr/bin/env node
// The end-to-end tests in one command (`npm run test:e2e`, and the last part of `npm test`):
//   1. code-server, installed once into the cache       scripts/setup-code-server.sh
//   2. dist/, what the extension loads                   scripts/build-webview.mjs, scripts/bundle.mjs
//   3. the suite, compiled to out/e2e/                   tsc -b test/e2e
//   4. the suite in code-server's extension host         scripts/e2e/run-code-server.mjs
//   5. the UI test, Playwright on the workbench          scripts/e2e/ui-test.mjs
//   6. the suite in desktop VS Code, where there is one  scripts/e2e/run-electron.mjs
// The suite runs on a scratch copy of test/fixtures/e2e-workspace (it edits and saves files).
//
// Counts are tests: the suite's mocha tests on each host and the UI test's steps. A stage that
// fails without reporting counts (a build, a host that never started) counts as one failure; a
// build failure stops the run. The last line is `e2e: N passed, M failed` (CI reads it); the exit
// status is 1 when M > 0.
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const started = Date.now();
const totals = { passed: 0, failed: 0 };

/**
 * Runs `command`, echoing its output as it comes, and resolves with its exit code and stdout.
 * stdin is closed: nothing here may stop to ask.
 */
function run(command, args) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      process.stdout.write(chunk);
    });
    child.on('error', (err) => resolve({ code: 1, stdout: `${stdout}\n${err.message}` }));
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 1 : 0), stdout }));
  });
}

function seconds(since) {
  return `${((Date.now() - since) / 1000).toFixed(1)} s`;
}

/** A build step: nothing after it can run when it fails. */
async function build(title, command, args) {
  const since = Date.now();
  console.log(`e2e: ${title}`);
  const { code } = await run(command, args);
  if (code === 0) return true;
  console.error(`e2e: ${title} failed (exit ${code}) after ${seconds(since)}`);
  totals.failed++;
  return false;
}

/** mocha's spec reporter ends with "N passing" and, when some failed, "M failing". */
function mochaCounts(stdout) {
  const passing = /^\s*(\d+) passing\b/m.exec(stdout);
  const failing = /^\s*(\d+) failing\b/m.exec(stdout);
  return passing || failing ? { passed: Number(passing?.[1] ?? 0), failed: Number(failing?.[1] ?? 0) } : undefined;
}

function uiCounts(stdout) {
  const match = /^ui: (\d+) passed, (\d+) failed$/m.exec(stdout);
  return match ? { passed: Number(match[1]), failed: Number(match[2]) } : undefined;
}

/** A test stage: adds what it reports, and one failure when it failed without saying how. */
async function testStage(title, command, args, readCounts) {
  const since = Date.now();
  console.log(`e2e: ${title}`);
  const { code, stdout } = await run(command, args);
  const counts = readCounts(stdout) ?? { passed: 0, failed: 0 };
  if (code !== 0 && counts.failed === 0) counts.failed = 1;
  totals.passed += counts.passed;
  totals.failed += counts.failed;
  console.log(`e2e: ${title}: ${counts.passed} passed, ${counts.failed} failed (${seconds(since)})`);
}

async function main() {
  const built =
    (await build('installing code-server (cached)', 'bash', [join(root, 'scripts/setup-code-server.sh')])) &&
    (await build('building the graph page', process.execPath, [join(root, 'scripts/build-webview.mjs')])) &&
    (await build('bundling dist/', process.execPath, [join(root, 'scripts/bundle.mjs')])) &&
    (await build('compiling test/e2e', process.execPath, [tsc, '-b', join(root, 'test/e2e')]));
  if (!built) return;

  const scratch = mkdtempSync(join(tmpdir(), 'lockorder-e2e-'));
  const workspace = join(scratch, 'e2e-workspace');
  const suite = ['--extension', root, '--tests', join(root, 'out/e2e/index.js'), '--workspace', workspace];
  try {
    cpSync(join(root, 'test/fixtures/e2e-workspace'), workspace, { recursive: true });
    await testStage('suite in code-server', process.execPath, [join(root, 'scripts/e2e/run-code-server.mjs'), ...suite], mochaCounts);
    await testStage('UI test', process.execPath, [join(root, 'scripts/e2e/ui-test.mjs')], uiCounts);
    // A fresh copy: the code-server run saved its edits (and reverted them) in the first one.
    rmSync(workspace, { recursive: true, force: true });
    cpSync(join(root, 'test/fixtures/e2e-workspace'), workspace, { recursive: true });
    await testStage('suite in desktop VS Code', process.execPath, [join(root, 'scripts/e2e/run-electron.mjs'), ...suite], mochaCounts);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

await main();
console.log(`e2e: took ${seconds(started)}`);
console.log(`e2e: ${totals.passed} passed, ${totals.failed} failed`);
process.exit(totals.failed === 0 ? 0 : 1);
