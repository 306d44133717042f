/**
 * Quick fixes for Lockorder's diagnostics. The editor hands back the diagnostics under the cursor;
 * each carries its finding's key, and the engine builds the fixes on the current text.
 */
import { CodeActionKind, type CodeAction, type CodeActionParams, type Diagnostic } from 'vscode-languageserver/node';
import { DIAGNOSTIC_SOURCE, type DiagnosticData } from './diagnostics';
import type { FixesReply } from './engine/messages';

export async function quickFixes(params: CodeActionParams, requestFixes: (key: string) => Promise<FixesReply>): Promise<CodeAction[]> {
  const only = params.context.only;
  if (only && !only.some((kind) => CodeActionKind.QuickFix.startsWith(kind))) return [];
  const byKey = new Map<string, Diagnostic[]>();
  for (const diagnostic of params.context.diagnostics) {
    const key = keyOf(diagnostic);
    if (key === undefined) continue;
    byKey.set(key, [...(byKey.get(key) ?? []), diagnostic]);
  }
  const actions: CodeAction[] = [];
  for (const [key, diagnostics] of byKey) {
    const { file, fixes } = await requestFixes(key);
    if (file === null) continue;
    for (const fix of fixes) {
      actions.push({
        title: fix.title,
        kind: CodeActionKind.QuickFix,
        diagnostics,
        isPreferred: fix.isPreferred,
        edit: { changes: { [file]: fix.edits } },
      });
    }
  }
  return actions;
}

function keyOf(diagnostic: Diagnostic): string | undefined {
  if (diagnostic.source !== DIAGNOSTIC_SOURCE) return undefined;
  const data = diagnostic.data as Partial<DiagnosticData> | undefined;
  return typeof data?.key === 'string' ? data.key : undefined;
}
