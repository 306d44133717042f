/**
 * Findings → LSP diagnostics, and publishing only what changed.
 *
 * An inversion is shown at every acquisition that takes part in its cycle, each with its own
 * message and the others as related information, so whichever function the reader has open tells
 * the whole story. The diagnostic's `data.key` names its finding for code actions.
 */
import { DiagnosticSeverity, type Diagnostic, type DiagnosticRelatedInformation } from 'vscode-languageserver/node';
import type { Finding, RelatedSite, Severity } from '../analysis/findings';
import type { Site } from '../analysis/sites';
import { applySeverityOverrides, type LockorderConfig } from '../config';
import { findingKey } from './engine/messages';
import { isUri } from './uris';

export const DIAGNOSTIC_SOURCE = 'lockorder';
const README = 'https://github.com/lockorder/lockorder';

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

export interface DiagnosticData {
  key: string;
}

/** Diagnostics per file URI, after the severity settings (`off` drops a code). */
export function diagnosticsByFile(findings: readonly Finding[], severity: LockorderConfig['severity']): Map<string, Diagnostic[]> {
  const byFile = new Map<string, Diagnostic[]>();
  const add = (file: string, diagnostic: Diagnostic) => {
    const list = byFile.get(file);
    if (list) list.push(diagnostic);
    else byFile.set(file, [diagnostic]);
  };
  for (const finding of applySeverityOverrides(findings, { severity })) {
    const sites: RelatedSite[] = finding.sites && finding.sites.length > 0 ? finding.sites : [{ ...finding }];
    for (const site of sites) {
      // Another site is named by its short related message where the finding has one.
      const otherSites = sites.filter((s) => s !== site).map((s) => finding.related.find((r) => sameSite(r, s)) ?? s);
      const rest = finding.related.filter((r) => !sites.some((s) => sameSite(s, r)));
      add(site.file, diagnosticAt(finding, site, [...otherSites, ...rest]));
    }
  }
  return byFile;
}

function diagnosticAt(finding: Finding, site: RelatedSite, others: RelatedSite[]): Diagnostic {
  const related: DiagnosticRelatedInformation[] = others
    .filter((r) => isUri(r.file))
    .map((r) => ({ location: { uri: r.file, range: r.range }, message: r.message }));
  const data: DiagnosticData = { key: findingKey(finding) };
  return {
    range: site.range,
    severity: SEVERITY[finding.severity],
    source: DIAGNOSTIC_SOURCE,
    code: finding.code,
    codeDescription: { href: `${README}#${finding.code}` },
    message: site.message,
    ...(related.length > 0 && { relatedInformation: related }),
    data,
  };
}

function sameSite(a: Site, b: Site): boolean {
  return a.file === b.file && a.range.start.line === b.range.start.line && a.range.start.character === b.range.start.character;
}

/**
 * Remembers what each file was last sent and sends only differences. An open document gets one
 * empty list once it has been analysed, so the editor knows it is clean; a file that drops out of
 * scope (closed, or workspace diagnostics turned off) is cleared once.
 */
export class DiagnosticsPublisher {
  private readonly published = new Map<string, string>();

  constructor(private readonly send: (uri: string, diagnostics: Diagnostic[]) => void) {}

  /**
   * @param analysedOpen open documents the analysis covered
   * @param everyFile publish for every file with diagnostics, not only open ones
   */
  update(byFile: ReadonlyMap<string, Diagnostic[]>, analysedOpen: ReadonlySet<string>, everyFile: boolean): void {
    const inScope = (uri: string) => everyFile || analysedOpen.has(uri);
    for (const uri of [...this.published.keys()]) {
      if (!inScope(uri) || (!byFile.has(uri) && !analysedOpen.has(uri))) {
        this.published.delete(uri);
        this.send(uri, []);
      }
    }
    const wanted = new Map<string, Diagnostic[]>();
    for (const uri of analysedOpen) wanted.set(uri, []);
    for (const [uri, diagnostics] of byFile) if (inScope(uri)) wanted.set(uri, diagnostics);
    for (const [uri, diagnostics] of wanted) {
      const text = JSON.stringify(diagnostics);
      if (this.published.get(uri) === text) continue;
      this.published.set(uri, text);
      this.send(uri, diagnostics);
    }
  }
}
