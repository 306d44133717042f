/**
 * Findings → LSP diagnostics, and publishing only what changed.
 *
 * An inversion is shown at every acquisition that takes part in its cycle, each with its own
 * message and the others as related information, so whichever function the reader has open tells
 * the whole story. The diagnostic's `data.key` names its finding for code actions.
 */
import { DiagnosticSeverity, type Diagnostic, type DiagnosticRelatedInformation } from 'vscode-languageserver/node';
import type { CycleSite, Finding, RelatedSite, Severity } from '../analysis/findings';
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

/**
 * Related information names at most this many sites of each edge of a cycle (each "taken while
 * holding" order), those in the diagnostic's own file first, nearest first: a cycle in busy code
 * has dozens of sites, and listing them all at each of them would make the list unreadable and the
 * payload grow with the square of their number. When an edge has more, one entry after them points
 * at the next and says how many more there are; the lock graph lists them all.
 */
export const SITES_PER_ORDER = 3;

/** Diagnostics per file URI, after the severity settings (`off` drops a code). */
export function diagnosticsByFile(findings: readonly Finding[], severity: LockorderConfig['severity']): Map<string, Diagnostic[]> {
  const byFile = new Map<string, Diagnostic[]>();
  const add = (file: string, diagnostic: Diagnostic) => {
    const list = byFile.get(file);
    if (list) list.push(diagnostic);
    else byFile.set(file, [diagnostic]);
  };
  for (const finding of applySeverityOverrides(findings, { severity })) {
    if (!finding.sites || finding.sites.length === 0) {
      const key = siteKey(finding);
      add(finding.file, diagnosticAt(finding, finding, relatedInformation(once(finding.related.filter((r) => siteKey(r) !== key)))));
      continue;
    }
    // Another site is named by its short related message where the finding has one.
    const relatedAt = new Map<string, RelatedSite>();
    for (const r of finding.related) if (!relatedAt.has(siteKey(r))) relatedAt.set(siteKey(r), r);
    // Each site's entry; sites at one place with the same words share one, named once.
    const named = new Map<CycleSite, RelatedSite>();
    const siteKeys = new Set<string>();
    const entries = new Map<string, RelatedSite>();
    for (const site of finding.sites) {
      const key = siteKey(site);
      siteKeys.add(key);
      const entry = relatedAt.get(key) ?? site;
      const exact = exactKey(entry);
      if (!entries.has(exact)) entries.set(exact, entry);
      named.set(site, entries.get(exact)!);
    }
    const rest = relatedInformation(once(finding.related.filter((r) => !siteKeys.has(siteKey(r)))));
    // One entry object per related site, shared by the diagnostics that name it.
    const informationOf = new Map<RelatedSite, DiagnosticRelatedInformation[]>();
    const information = (r: RelatedSite) => {
      let entry = informationOf.get(r);
      if (!entry) informationOf.set(r, (entry = relatedInformation([r])));
      return entry;
    };
    const byEdge = new Map<number, CycleSite[]>();
    for (const site of finding.sites) {
      const group = byEdge.get(site.edge);
      if (group) group.push(site);
      else byEdge.set(site.edge, [site]);
    }
    for (const site of finding.sites) {
      const related: DiagnosticRelatedInformation[] = [];
      const seen = new Set<RelatedSite>();
      for (const [edge, group] of byEdge) {
        const { shown, next, more } = nearestOf(group, site);
        for (const s of shown) {
          const entry = named.get(s)!;
          if (seen.has(entry)) continue;
          seen.add(entry);
          related.push(...information(entry));
        }
        if (next) related.push(...relatedInformation([{ ...next, message: moreMessage(more, finding.locks[edge], finding.locks[(edge + 1) % finding.locks.length]) }]));
      }
      add(site.file, diagnosticAt(finding, site, related.concat(rest)));
    }
  }
  return byFile;
}

/**
 * The sites of one edge to name at `site`: up to SITES_PER_ORDER others, those in its file first and
 * nearest first, then the engine's order (stable); when there are more, the next one and how many
 * are left unnamed.
 */
function nearestOf(group: readonly CycleSite[], site: CycleSite): { shown: CycleSite[]; next?: CycleSite; more: number } {
  const distance = (s: CycleSite) => (s.file === site.file ? Math.abs(s.range.start.line - site.range.start.line) : Number.POSITIVE_INFINITY);
  // The best SITES_PER_ORDER + 1 by distance, in one pass (a cycle may have hundreds of sites).
  const best: { s: CycleSite; d: number }[] = [];
  let others = 0;
  for (const s of group) {
    if (s === site) continue;
    others++;
    const d = distance(s);
    let at = best.length;
    while (at > 0 && best[at - 1].d > d) at--;
    if (at > SITES_PER_ORDER) continue;
    best.splice(at, 0, { s, d });
    if (best.length > SITES_PER_ORDER + 1) best.pop();
  }
  const shown = best.slice(0, SITES_PER_ORDER).map((b) => b.s);
  return others > SITES_PER_ORDER ? { shown, next: best[SITES_PER_ORDER].s, more: others - SITES_PER_ORDER } : { shown, more: 0 };
}

function moreMessage(more: number, held: string, taken: string): string {
  return `… and ${more} more ${more === 1 ? 'place takes' : 'places take'} \`${held}\` before \`${taken}\``;
}

function diagnosticAt(finding: Finding, site: RelatedSite, related: DiagnosticRelatedInformation[]): Diagnostic {
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

/** Related sites as LSP has them; those not in a document (a declared order in the settings) are left out. */
function relatedInformation(sites: RelatedSite[]): DiagnosticRelatedInformation[] {
  return sites.filter((r) => isUri(r.file)).map((r) => ({ location: { uri: r.file, range: r.range }, message: r.message }));
}

/** The related sites without exact repeats (the same place with the same words). */
function once(related: RelatedSite[]): RelatedSite[] {
  const seen = new Set<string>();
  return related.filter((r) => {
    const key = exactKey(r);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function exactKey(r: RelatedSite): string {
  return `${siteKey(r)}:${r.range.end.line}:${r.range.end.character}\u0000${r.message}`;
}

function siteKey(site: Site): string {
  return `${site.file}\u0000${site.range.start.line}:${site.range.start.character}`;
}

/**
 * Remembers what each file was last sent and sends only differences. An open document gets one
 * empty list once it has been analysed, so the editor knows it is clean; a file that drops out of
 * scope (closed, or workspace diagnostics turned off) is cleared once.
 */
export class DiagnosticsPublisher {
  /** Per file, the list last sent. */
  private readonly published = new Map<string, Diagnostic[]>();
  /** The JSON of diagnostics compared so far: each object is written out once. */
  private readonly texts = new WeakMap<Diagnostic, string>();

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
      const last = this.published.get(uri);
      this.published.set(uri, diagnostics);
      if (!last || !this.same(last, diagnostics)) this.send(uri, diagnostics);
    }
  }

  /** Equal lists: the same objects (those of findings that did not change), or equal JSON one by one. */
  private same(a: readonly Diagnostic[], b: readonly Diagnostic[]): boolean {
    return a.length === b.length && a.every((x, i) => x === b[i] || this.text(x) === this.text(b[i]));
  }

  private text(diagnostic: Diagnostic): string {
    let text = this.texts.get(diagnostic);
    if (text === undefined) this.texts.set(diagnostic, (text = JSON.stringify(diagnostic)));
    return text;
  }
}

/**
 * `diagnosticsByFile` over the findings of successive snapshots: a finding that is the same object as
 * before (the engine sends only changed findings, the others are kept) keeps its diagnostics, the
 * same objects, for as long as the severity settings are the same object too.
 */
export class FindingDiagnostics {
  private byFinding = new WeakMap<Finding, [string, Diagnostic[]][]>();
  private severity: LockorderConfig['severity'] | undefined;

  byFile(findings: readonly Finding[], severity: LockorderConfig['severity']): Map<string, Diagnostic[]> {
    if (severity !== this.severity) {
      this.byFinding = new WeakMap();
      this.severity = severity;
    }
    const byFile = new Map<string, Diagnostic[]>();
    for (const finding of findings) {
      let parts = this.byFinding.get(finding);
      if (!parts) this.byFinding.set(finding, (parts = [...diagnosticsByFile([finding], severity)]));
      for (const [file, diagnostics] of parts) {
        const list = byFile.get(file);
        if (list) list.push(...diagnostics);
        else byFile.set(file, [...diagnostics]);
      }
    }
    return byFile;
  }
}
