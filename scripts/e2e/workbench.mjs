// The workbench URL of a code-server, and what the page reports back when it runs extension tests.
import { format } from 'node:util';

/**
 * The workbench URL: `folder` opens a folder, and the `payload` parameter carries the development
 * options a desktop VS Code would take on its command line. Paths are on the server's machine, so
 * they travel as vscode-remote:// URIs whose authority is the server's host:port.
 */
export function workbenchUrl(baseUrl, { folder, extensionDevelopmentPath, extensionTestsPath }) {
  const url = new URL(baseUrl);
  const remote = (path) => `vscode-remote://${url.host}${path}`;
  const payload = [];
  if (extensionDevelopmentPath) payload.push(['extensionDevelopmentPath', remote(extensionDevelopmentPath)]);
  if (extensionTestsPath) payload.push(['extensionTestsPath', remote(extensionTestsPath)]);
  if (folder) url.searchParams.set('folder', folder);
  if (payload.length) url.searchParams.set('payload', JSON.stringify(payload));
  return url.href;
}

/**
 * Installs the two hooks VS Code's web workbench calls when it runs extension tests "in automation":
 * - codeAutomationLog(level, args): every log entry of the window, including each console line of the
 *   extension host (so mocha's reporter output);
 * - codeAutomationExit(code, logs): called once the test runner's run() settled (0 = resolved) or
 *   the extension host died.
 * Must be called before the page navigates. Returns `{ exitCode }`, a promise of the exit code.
 */
export async function exposeTestHooks(page, onLog) {
  let settle;
  const exitCode = new Promise((resolve) => (settle = resolve));
  await page.exposeFunction('codeAutomationLog', (level, args) => onLog(level, format(...args)));
  await page.exposeFunction('codeAutomationExit', (code) => settle(code));
  return { exitCode };
}
