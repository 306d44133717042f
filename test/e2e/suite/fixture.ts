// What the e2e tests share: the fixture workspace (test/fixtures/e2e-workspace, opened by the runner
// as a temporary copy), Lockorder's diagnostics, and waiting for the editor to catch up.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

export const EXTENSION_ID = 'lockorder.lockorder';
export const INVERSION = 'lock-order-inversion';

/** A file of the fixture workspace by its path relative to the folder, e.g. `net/port.h`. */
export function fixtureUri(relativePath: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the runner must open the fixture workspace as a folder');
  return vscode.Uri.joinPath(folder.uri, ...relativePath.split('/'));
}

export async function openFixture(relativePath: string): Promise<vscode.TextEditor> {
  const document = await vscode.workspace.openTextDocument(fixtureUri(relativePath));
  return vscode.window.showTextDocument(document, { preview: false });
}

export function lockorderDiagnostics(uri: vscode.Uri, code?: string): vscode.Diagnostic[] {
  return vscode.languages
    .getDiagnostics(uri)
    .filter((d) => d.source === 'lockorder' && (code === undefined || codeOf(d) === code));
}

export function codeOf(diagnostic: vscode.Diagnostic): string | undefined {
  const code = diagnostic.code;
  return typeof code === 'object' ? String(code.value) : code === undefined ? undefined : String(code);
}

/** The 0-based line of the first line of `document` that contains `text`, after line `from`. */
export function lineOf(document: vscode.TextDocument, text: string, from = 0): number {
  for (let line = from; line < document.lineCount; line++) {
    if (document.lineAt(line).text.includes(text)) return line;
  }
  assert.fail(`${vscode.workspace.asRelativePath(document.uri)} has no line containing "${text}" after line ${from + 1}`);
}

/** The position just inside `text`'s first occurrence on `line`. */
export function positionIn(document: vscode.TextDocument, line: number, text: string): vscode.Position {
  const column = document.lineAt(line).text.indexOf(text);
  assert.ok(column >= 0, `line ${line + 1} does not contain "${text}"`);
  return new vscode.Position(line, column + 1);
}

/**
 * Re-evaluates `probe` whenever diagnostics, tabs or editors change (and every 100 ms, for
 * state that fires no event) until it returns something other than undefined. On timeout it fails
 * with `what` and the last value `describe` gave, so a failure says what was seen instead.
 */
export async function waitFor<T>(
  what: string,
  probe: () => T | undefined | Promise<T | undefined>,
  { timeoutMs = 15_000, describe }: { timeoutMs?: number; describe?: () => string } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let wake: () => void = () => {};
  const subscriptions = [
    vscode.languages.onDidChangeDiagnostics(() => wake()),
    vscode.window.tabGroups.onDidChangeTabs(() => wake()),
    vscode.window.onDidChangeActiveTextEditor(() => wake()),
  ];
  try {
    for (;;) {
      const value = await probe();
      if (value !== undefined) return value;
      const left = deadline - Date.now();
      if (left <= 0) assert.fail(`timed out waiting for ${what}${describe ? `; saw: ${describe()}` : ''}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(100, left));
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  } finally {
    for (const s of subscriptions) s.dispose();
  }
}

/** Waits for Lockorder's diagnostics on `uri` to satisfy `ready`, and returns them. */
export function waitForDiagnostics(
  uri: vscode.Uri,
  what: string,
  ready: (diagnostics: vscode.Diagnostic[]) => boolean,
  timeoutMs?: number,
): Promise<vscode.Diagnostic[]> {
  return waitFor(
    `${what} in ${vscode.workspace.asRelativePath(uri)}`,
    () => {
      const diagnostics = lockorderDiagnostics(uri);
      return ready(diagnostics) ? diagnostics : undefined;
    },
    { timeoutMs, describe: () => describeDiagnostics(lockorderDiagnostics(uri)) },
  );
}

export function describeDiagnostics(diagnostics: vscode.Diagnostic[]): string {
  if (diagnostics.length === 0) return 'no Lockorder diagnostics';
  return diagnostics.map((d) => `line ${d.range.start.line + 1} [${codeOf(d)}] ${d.message}`).join(' | ');
}

/** The lines (1-based, as a reader counts) that carry a diagnostic with `code`. */
export function linesWith(diagnostics: vscode.Diagnostic[], code: string): number[] {
  return diagnostics.filter((d) => codeOf(d) === code).map((d) => d.range.start.line + 1).sort((a, b) => a - b);
}

/** The extension under test, activated (its language client started). */
export async function activeExtension(): Promise<vscode.Extension<unknown>> {
  const extension = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is not loaded`);
  await extension.activate();
  return extension;
}

/**
 * Call inside each `describe`: whichever suite runs first (mocha's --grep may pick any) pays for
 * starting the language server, with more time than a test gets.
 */
export function startExtensionFirst(): void {
  before(async function () {
    this.timeout(60_000);
    await activeExtension();
  });
}
