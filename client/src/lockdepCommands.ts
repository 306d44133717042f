/**
 * "Lockorder: Import Lockdep Report" and "Lockorder: Clear Imported Lockdep Reports". The import
 * reads a report from the active editor, the clipboard or a file, and hands its text to the server
 * (`lockorder/importLockdep`), which merges it into the analysis until it is cleared. A report
 * opened as a `lockdep` document needs no import while it stays open; importing it keeps it.
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import {
  CLEAR_LOCKDEP_REQUEST,
  IMPORT_LOCKDEP_REQUEST,
  MAX_LOCKDEP_REPORT_BYTES,
  type ClearLockdepResult,
  type ImportLockdepParams,
  type ImportLockdepResult,
} from '../../server/src/lsp/protocol';
import { clipboardSource, describeClear, describeImport, mayHoldReport } from './lockdep/importSummary';

export const IMPORT_LOCKDEP_COMMAND = 'lockorder.importLockdep';
export const CLEAR_LOCKDEP_COMMAND = 'lockorder.clearLockdep';

/** A report read from somewhere, with how to name that place to the user. */
interface ReadReport {
  params: ImportLockdepParams;
  from: string;
  fromClipboard?: true;
}

interface SourceChoice extends vscode.QuickPickItem {
  read(): Promise<ReadReport | undefined>;
}

export function registerLockdepCommands(client: LanguageClient, output: vscode.LogOutputChannel, imported: () => void): vscode.Disposable[] {
  let clipboardImports = 0;

  const importReport = async () => {
    const choice = await vscode.window.showQuickPick(sourceChoices(() => clipboardSource(clipboardImports)), {
      title: 'Import Lockdep Report',
      placeHolder: 'Where is the lockdep report (a kernel log, a syzbot report, /proc/lockdep)?',
    });
    const report = await choice?.read();
    if (!report) return;
    let result: ImportLockdepResult;
    try {
      result = await client.sendRequest<ImportLockdepResult>(IMPORT_LOCKDEP_REQUEST, report.params);
    } catch (error) {
      void vscode.window.showErrorMessage(`Lockorder could not import the lockdep report: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    if (result.error === undefined && report.fromClipboard) clipboardImports++;
    if (result.unmapped.length > 0) output.info(`Lockdep report ${result.key}: lock names that match no lock in the sources: ${result.unmapped.join(', ')}`);
    const { level, message } = describeImport(result, report.from);
    if (level === 'info') void vscode.window.showInformationMessage(message);
    else void vscode.window.showWarningMessage(message);
    imported();
  };

  const clearReports = async () => {
    try {
      const { cleared } = await client.sendRequest<ClearLockdepResult>(CLEAR_LOCKDEP_REQUEST, null);
      clipboardImports = 0;
      void vscode.window.showInformationMessage(describeClear(cleared));
      imported();
    } catch (error) {
      void vscode.window.showErrorMessage(`Lockorder could not clear the lockdep reports: ${error instanceof Error ? error.message : String(error)}`);
    }
  };

  return [vscode.commands.registerCommand(IMPORT_LOCKDEP_COMMAND, importReport), vscode.commands.registerCommand(CLEAR_LOCKDEP_COMMAND, clearReports)];
}

function sourceChoices(nextClipboard: () => string): SourceChoice[] {
  const choices: SourceChoice[] = [];
  const document = vscode.window.activeTextEditor?.document;
  if (document && mayHoldReport(document.languageId)) {
    const name = baseName(document.uri);
    choices.push({
      label: '$(file-text) Active editor',
      description: name,
      read: async () => ({ params: { text: document.getText(), source: document.uri.toString() }, from: name }),
    });
  }
  choices.push(
    { label: '$(clippy) Clipboard', read: () => readClipboard(nextClipboard()) },
    { label: '$(folder-opened) File…', description: 'dmesg, console log, syzbot report, /proc/lockdep', read: readFile },
  );
  return choices;
}

async function readClipboard(source: string): Promise<ReadReport | undefined> {
  const text = await vscode.env.clipboard.readText();
  if (text.trim() === '') {
    void vscode.window.showWarningMessage('Lockorder: the clipboard is empty; copy the lockdep report first.');
    return undefined;
  }
  return { params: { text, source }, from: 'the clipboard', fromClipboard: true };
}

async function readFile(): Promise<ReadReport | undefined> {
  const [uri] =
    (await vscode.window.showOpenDialog({
      title: 'Import Lockdep Report',
      openLabel: 'Import',
      canSelectMany: false,
      filters: { 'Kernel logs and lockdep reports': ['txt', 'log', 'lockdep', 'splat'], 'All files': ['*'] },
    })) ?? [];
  if (!uri) return undefined;
  const name = baseName(uri);
  try {
    // Checked before reading: a whole console log can be gigabytes.
    const { size } = await vscode.workspace.fs.stat(uri);
    if (size > MAX_LOCKDEP_REPORT_BYTES) {
      void vscode.window.showWarningMessage(
        `Lockorder: ${name} is ${(size / 1024 / 1024).toFixed(1)} MiB, over the ${MAX_LOCKDEP_REPORT_BYTES / 1024 / 1024} MiB limit; import an excerpt around the report.`,
      );
      return undefined;
    }
    const text = new TextDecoder('utf-8').decode(await vscode.workspace.fs.readFile(uri));
    return { params: { text, source: uri.toString() }, from: name };
  } catch (error) {
    void vscode.window.showErrorMessage(`Lockorder could not read ${name}: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  }
}

function baseName(uri: vscode.Uri): string {
  return uri.path.slice(uri.path.lastIndexOf('/') + 1) || uri.toString();
}
