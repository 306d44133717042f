/**
 * The status bar item: indexing progress, then the number of findings. Clicking it shows the log.
 */
import * as vscode from 'vscode';
import type { StatusParams } from '../../server/src/lsp/protocol';

export class LockorderStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('lockorder.status', vscode.StatusBarAlignment.Left, 10);

  constructor(showOutputCommand: string) {
    this.item.name = 'Lockorder';
    this.item.command = showOutputCommand;
    this.item.text = '$(sync~spin) Lockorder';
    this.item.tooltip = 'Lockorder is starting';
    this.item.show();
  }

  update(status: StatusParams): void {
    if (status.state === 'indexing') {
      this.item.text = `$(sync~spin) Lockorder ${status.indexed}/${status.total}`;
      this.item.tooltip = `Lockorder is indexing the workspace: ${status.indexed} of ${status.total} files`;
      return;
    }
    this.item.text = status.findings === 0 ? '$(check) Lockorder' : `$(warning) Lockorder: ${status.findings}`;
    this.item.tooltip =
      `${plural(status.findings, 'lock-ordering finding')} in ${plural(status.files, 'analysed file')}. ` + 'Click to show the Lockorder log.';
  }

  stopped(): void {
    this.item.text = '$(error) Lockorder';
    this.item.tooltip = 'The Lockorder language server is not running. Click to show the log.';
  }

  dispose(): void {
    this.item.dispose();
  }
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
