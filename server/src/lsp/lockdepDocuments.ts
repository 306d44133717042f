/**
 * Lockdep reports in LSP terms: their notes as diagnostics, their links as document links (to
 * `file#L<line>,<column>`, which editors open at that place), and the key an import goes by.
 */
import { DiagnosticSeverity, type Diagnostic, type DocumentLink } from 'vscode-languageserver/node';
import type { Severity } from '../analysis/findings';
import { DIAGNOSTIC_SOURCE } from './diagnostics';
import type { ReportLink, ReportNote } from './engine/messages';
import { canonicalUri, isUri } from './uris';

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

export function reportDiagnostics(notes: readonly ReportNote[]): Diagnostic[] {
  return notes.map((n) => {
    const related = n.related.filter((r) => isUri(r.file)).map((r) => ({ location: { uri: r.file, range: r.range }, message: r.message }));
    return {
      range: n.range,
      severity: SEVERITY[n.severity],
      source: DIAGNOSTIC_SOURCE,
      code: n.code,
      message: n.message,
      ...(related.length > 0 && { relatedInformation: related }),
    };
  });
}

/** Links into files the editor can open; a site inside an import that is no file has none. */
export function documentLinks(links: readonly ReportLink[]): DocumentLink[] {
  return links
    .filter((l) => isUri(l.file))
    .map((l) => ({
      range: l.range,
      target: `${l.file}#L${l.target.start.line + 1},${l.target.start.character + 1}`,
      tooltip: l.tooltip,
    }));
}

/** A document or file URI keeps its canonical spelling; any other source (`clipboard`) its name. */
export function importKey(source: string): string {
  const name = source.trim();
  if (name === '') return 'lockdep report';
  return isUri(name) ? canonicalUri(name) : name;
}
