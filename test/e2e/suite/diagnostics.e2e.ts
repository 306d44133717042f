// Squiggles: the language server analyses the open files and publishes an inversion at every
// acquisition on the cycle, with the rest of the story as related information.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { INVERSION, linesWith, lineOf, openFixture, startExtensionFirst, waitForDiagnostics } from './fixture';

describe('diagnostics', function () {
  startExtensionFirst();

  it('marks both acquisitions of an ABBA pair in one file', async function () {
    const { document } = await openFixture('abba.c');
    const uri = document.uri;
    // Taken table→stats in table_insert() and table_lookup(), stats→table in stats_reset().
    const insert = lineOf(document, 'mutex_lock(&stats_lock)', lineOf(document, 'void table_insert'));
    const lookup = lineOf(document, 'mutex_lock(&stats_lock)', lineOf(document, 'int table_lookup'));
    const reset = lineOf(document, 'mutex_lock(&table_lock)', lineOf(document, 'void stats_reset'));
    const expected = [insert + 1, lookup + 1, reset + 1];
    const diagnostics = await waitForDiagnostics(uri, `inversions on lines ${expected.join(', ')}`, (d) =>
      expected.every((line) => linesWith(d, INVERSION).includes(line)),
    );

    const atReset = diagnostics.find((d) => d.range.start.line === reset)!;
    assert.equal(atReset.severity, vscode.DiagnosticSeverity.Warning);
    assert.match(atReset.message, /`table_lock`.*`stats_lock`|`stats_lock`.*`table_lock`/);
    assert.equal(document.getText(atReset.range).trim(), 'mutex_lock(&table_lock)');
    const relatedLines = (atReset.relatedInformation ?? []).map((r) => r.location.range.start.line);
    assert.ok(relatedLines.includes(insert) && relatedLines.includes(lookup), `related lines: ${relatedLines.map((l) => l + 1)}`);
  });

  it('follows a cycle across two .c files that share a header', async function () {
    const fill = (await openFixture('net/port_fill.c')).document;
    const drain = (await openFixture('net/queue_drain.c')).document;
    const fillLine = lineOf(fill, 'mutex_lock(&p->queue->lock)');
    const drainLine = lineOf(drain, 'mutex_lock(&p->lock)');

    for (const [document, line, other, otherLine] of [
      [fill, fillLine, drain, drainLine],
      [drain, drainLine, fill, fillLine],
    ] as const) {
      const diagnostics = await waitForDiagnostics(document.uri, `an inversion on line ${line + 1}`, (d) =>
        linesWith(d, INVERSION).includes(line + 1),
      );
      const inversion = diagnostics.find((d) => d.range.start.line === line)!;
      assert.match(inversion.message, /port\.lock/);
      assert.match(inversion.message, /rx_queue\.lock/);
      const intoOtherFile = (inversion.relatedInformation ?? [])
        .filter((r) => r.location.uri.toString() === other.uri.toString())
        .map((r) => r.location.range.start.line);
      assert.ok(
        intoOtherFile.includes(otherLine),
        `${vscode.workspace.asRelativePath(document.uri)} should point at ${vscode.workspace.asRelativePath(other.uri)}:${otherLine + 1}; ` +
          `it points at lines ${intoOtherFile.map((l) => l + 1).join(', ') || 'none'} there`,
      );
    }
  });
});
