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
    const informationOf = new Map<RelatedSite, DiagnosticRelatedInformation | undefined>();
    const information = (r: RelatedSite) => {
      if (!informationOf.has(r)) informationOf.set(r, relatedInformation([r])[0]);
      return informationOf.get(r);
    };
    const byEdge = new Map<number, CycleSite[]>();
    for (const site of finding.sites) {
      const group = byEdge.get(site.edge);
      if (group) group.push(site);
      else byEdge.set(site.edge, [site]);
    }
    const data: DiagnosticData = { key: findingKey(finding) };
    for (const site of finding.sites) {
      const related: DiagnosticRelatedInformation[] = [];
      for (const [edge, group] of byEdge) {
        const others = nearestOf(group, site);
        for (const s of nearest.slice(0, Math.min(SITES_PER_ORDER, others))) {
          const entry = information(named.get(s)!);
          if (entry && !related.includes(entry)) related.push(entry);
        }
        if (others > SITES_PER_ORDER && isUri(nearest[SITES_PER_ORDER].file)) {
          const next = nearest[SITES_PER_ORDER];
          const message = moreMessage(others - SITES_PER_ORDER, finding.locks[edge], finding.locks[(edge + 1) % finding.locks.length]);
          related.push({ location: { uri: next.file, range: next.range }, message });
        }
      }
      for (const entry of rest) related.push(entry);
      add(site.file, diagnosticAt(finding, site, related, data));
    }
  }
  return byFile;
}

/** What `nearestOf` found: the SITES_PER_ORDER + 1 nearest sites, nearest first (reused from call to call). */
const nearest: CycleSite[] = [];
const nearestDistance: number[] = [];

/**
 * The sites of one edge to name at `site`, into `nearest`: up to SITES_PER_ORDER + 1 others, those
 * in its file first and nearest first, then in the engine's order (stable). Returns how many other
 * sites the edge has: those past SITES_PER_ORDER are counted in one entry at the next.
 */
function nearestOf(group: readonly CycleSite[], site: CycleSite): number {
  nearest.length = 0;
  nearestDistance.length = 0;
  // One pass, keeping the best few (a cycle may have hundreds of sites).
  let others = 0;
  for (const s of group) {
    if (s === site) continue;
    others++;
    const d = s.file === site.file ? Math.abs(s.range.start.line - site.range.start.line) : Number.POSITIVE_INFINITY;
    let at = nearest.length;
    while (at > 0 && nearestDistance[at - 1] > d) at--;
    if (at > SITES_PER_ORDER) continue;
    for (let i = Math.min(nearest.length, SITES_PER_ORDER); i > at; i--) {
      nearest[i] = nearest[i - 1];
      nearestDistance[i] = nearestDistance[i - 1];
    }
    nearest[at] = s;
    nearestDistance[at] = d;
  }
  return others;
}

function moreMessage(more: number, held: string, taken: string): string {
  return `… and ${more} more ${more === 1 ? 'place takes' : 'places take'} \`${held}\` before \`${taken}\``;
}

function diagnosticAt(finding: Finding, site: RelatedSite, related: DiagnosticRelatedInformation[], data: DiagnosticData = { key: findingKey(finding) }): Diagnostic {
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
