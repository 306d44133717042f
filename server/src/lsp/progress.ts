/**
 * The workspace walk as the editor shows it: a cancellable work-done progress (`k/N files`) while
 * it runs. Creating the progress is a round trip to the client, so reports queue behind it.
 */
import type { Connection, WorkDoneProgressServerReporter } from 'vscode-languageserver/node';

export class IndexProgress {
  private reporter: Promise<WorkDoneProgressServerReporter | undefined> | undefined;

  constructor(
    private readonly connection: Connection,
    private readonly onCancel: () => void,
  ) {}

  report(indexed: number, total: number): void {
    const message = `${indexed}/${total} files`;
    const percentage = total === 0 ? 100 : Math.floor((indexed * 100) / total);
    if (!this.reporter) {
      this.reporter = this.connection.window.createWorkDoneProgress().then(
        (reporter) => {
          reporter.begin('Lockorder: indexing', percentage, message, true);
          reporter.token.onCancellationRequested(() => this.onCancel());
          return reporter;
        },
        () => undefined,
      );
      return;
    }
    void this.reporter.then((reporter) => reporter?.report(percentage, message));
  }

  done(): void {
    const reporter = this.reporter;
    this.reporter = undefined;
    void reporter?.then((r) => r?.done());
  }
}
