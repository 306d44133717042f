#!/usr/bin/env node
// Host 1: runs the same e2e suite in desktop VS Code (Electron) through @vscode/test-electron.
//
//   node scripts/e2e/run-electron.mjs --extension <dir> --tests <index.js> --workspace <dir>
//
// The executable comes from $VSCODE_EXECUTABLE, or is downloaded when the VS Code update server is
// reachable. Where neither works (as on machines that reach only the npm registry) it prints one
// "skipped" line and exits 0; the code-server host (run-code-server.mjs) covers the suite there.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { downloadAndUnzipVSCode, runTests } from '@vscode/test-electron';

// The version code-server 4.100.3 embeds, so that both hosts run the same VS Code.
const vscodeVersion = '1.100.3';
const updateServer = 'https://update.code.visualstudio.com/api/releases/stable';

const { values: options } = parseArgs({
  options: {
    extension: { type: 'string' },
    tests: { type: 'string' },
    workspace: { type: 'string' },
  },
});
if (!options.extension || !options.tests || !options.workspace) {
  console.error('usage: run-electron.mjs --extension <dir> --tests <index.js> --workspace <dir>');
  process.exit(2);
}

function skip(reason) {
  console.log(`e2e (desktop VS Code): skipped — ${reason}`);
  process.exit(0);
}

async function updateServerReachable() {
  try {
    const response = await fetch(updateServer, { signal: AbortSignal.timeout(5_000) });
    return response.ok ? null : `the VS Code update server answered HTTP ${response.status}`;
  } catch (err) {
    return `no VSCODE_EXECUTABLE, and the VS Code update server is unreachable (${err.cause?.code ?? err.message})`;
  }
}

let executable = process.env.VSCODE_EXECUTABLE;
if (!executable) {
  const unreachable = await updateServerReachable();
  if (unreachable) skip(unreachable);
}
if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
  skip('no display for Electron (run it under xvfb-run)');
}
executable ??= await downloadAndUnzipVSCode({ version: vscodeVersion });

// test-electron closes VS Code on SIGINT; treat SIGTERM the same way.
process.on('SIGTERM', () => process.emit('SIGINT'));

const profile = mkdtempSync(join(tmpdir(), 'lockorder-vscode-'));
let status = 1;
try {
  status = await runTests({
    vscodeExecutablePath: executable,
    extensionDevelopmentPath: resolve(options.extension),
    extensionTestsPath: resolve(options.tests),
    reuseMachineInstall: true, // the profile below is ours, fresh for this run
    launchArgs: [
      resolve(options.workspace),
      `--user-data-dir=${join(profile, 'user-data')}`,
      `--extensions-dir=${join(profile, 'extensions')}`,
      '--disable-extensions', // the other installed extensions; the one under test still loads
      '--disable-telemetry',
      // test-electron adds --no-sandbox, --disable-updates, --skip-welcome,
      // --skip-release-notes and --disable-workspace-trust itself.
    ],
  });
} catch (err) {
  console.error(`e2e (desktop VS Code): ${err.message}`);
} finally {
  rmSync(profile, { recursive: true, force: true });
}
process.exit(status === 0 ? 0 : 1);
