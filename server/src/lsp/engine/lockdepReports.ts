/**
 * The lockdep reports the engine merges into the analysis: open `lockdep` documents, live while
 * they are open, and imports (the clipboard, a file), kept until cleared. A report is parsed when
 * the analysis first asks for it after a change; a report too large, binary, or one the parser
 * trips on is kept as unusable, with the reason, and adds nothing.
 */
import { TextDocument, type TextDocumentContentChangeEvent } from 'vscode-languageserver-textdocument';
import { parseLockdepReport, type LockdepReport } from '../../analysis/lockdep';
import { MAX_LOCKDEP_REPORT_BYTES } from '../protocol';

export type ParsedReport = { ok: true; report: LockdepReport } | { ok: false; reason: string };

export class Report {
  private parsed: ParsedReport | undefined;

  constructor(
    /** The document's URI, or the import's key. */
    readonly key: string,
    readonly document: TextDocument,
    /** An open document, not an import. */
    readonly isOpen: boolean,
  ) {}

  parse(): ParsedReport {
    if (!this.parsed) this.parsed = parse(this.document.getText());
    return this.parsed;
  }

  changed(): void {
    this.parsed = undefined;
  }
}

export class LockdepReports {
  private readonly documents = new Map<string, Report>();
  private readonly imports = new Map<string, Report>();

  openDocument(uri: string, version: number, text: string): void {
    this.documents.set(uri, new Report(uri, TextDocument.create(uri, 'lockdep', version, text), true));
  }

  /** False when `uri` is not an open report. */
  changeDocument(uri: string, version: number, changes: readonly TextDocumentContentChangeEvent[]): boolean {
    const report = this.documents.get(uri);
    if (!report) return false;
    TextDocument.update(report.document, [...changes], version);
    report.changed();
    return true;
  }

  closeDocument(uri: string): boolean {
    return this.documents.delete(uri);
  }

  /** Adds or replaces the import named `key`. */
  import(key: string, text: string): Report {
    const report = new Report(key, TextDocument.create(key, 'lockdep', 0, text), false);
    this.imports.set(key, report);
    return report;
  }

  forgetImport(key: string): void {
    this.imports.delete(key);
  }

  /** Forgets every import; returns how many there were. */
  clearImports(): number {
    const count = this.imports.size;
    this.imports.clear();
    return count;
  }

  /** The open document first: an import of the same document is its older copy. */
  get(key: string): Report | undefined {
    return this.documents.get(key) ?? this.imports.get(key);
  }

  /** Every report once, open documents first. */
  all(): Report[] {
    return [...this.documents.values(), ...[...this.imports.values()].filter((r) => !this.documents.has(r.key))];
  }

  isEmpty(): boolean {
    return this.documents.size === 0 && this.imports.size === 0;
  }
}

function parse(text: string): ParsedReport {
  try {
    const result = parseLockdepReport(text, { maxBytes: MAX_LOCKDEP_REPORT_BYTES });
    return result.ok ? { ok: true, report: result } : { ok: false, reason: result.error.message };
  } catch (error) {
    // The parser is meant never to throw; if it does, the report is left out rather than the analysis.
    return { ok: false, reason: `the report could not be read (${error instanceof Error ? error.message : String(error)})` };
  }
}
