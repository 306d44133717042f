/**
 * The analysis's findings with lockdep's evidence applied, for front ends that have reports:
 * - a reported inversion that a runtime edge lies on says "confirmed at runtime", and points at
 *   the report lines; when lockdep saw every edge of it, it is at least a warning;
 * - a cycle that needs a runtime edge is a new inversion that says "observed at runtime";
 * - a runtime edge against a declared order is a declared-order violation, unless the static
 *   analysis already reported one at the same place.
 * A new finding keeps its quick-fix detail only where its site is a static one: a fix is an edit
 * of the sources, never of a report.
 */
import { checkDeclaredOrders } from '../declaredOrders';
import { compareFindings, SEVERITY_RANK, type Finding, type RelatedSite } from '../findings';
import type { GraphJson } from '../graphJson';
import { LockGraph } from '../lockGraph';
import type { ProgramAnalysis } from '../program';
import { mergeLockdep, baseName, type LockdepInput, type LockdepMerge, type RuntimeCycle, type RuntimeEdge } from './merge';

export interface LockdepApplied extends LockdepMerge {
  /** The analysis's findings, annotated, plus the new ones; sorted. */
  findings: Finding[];
  /** The merged graph, its cycles numbered as in `cycles`. */
  toJson(): GraphJson;
}

export const CONFIRMED = 'confirmed at runtime by lockdep';
export const OBSERVED = 'observed at runtime by lockdep';

/** Report lines named in a message; the rest are in `related`. */
const MAX_REFS_IN_MESSAGE = 2;
const MAX_RELATED_REPORT_LINES = 4;

export function applyLockdep(analysis: ProgramAnalysis, inputs: LockdepInput[]): LockdepApplied {
  const merge = mergeLockdep(analysis, inputs);
  const staticSites = new Set<string>();
  for (const edge of analysis.graph.edges()) for (const s of edge.sites) staticSites.add(placeKey(s.file, s.site.start));
  const keepFixIfStatic = (f: Finding): Finding => {
    if (!f.detail || staticSites.has(placeKey(f.file, f.range.start))) return f;
    const { detail: _dropped, ...rest } = f;
    return rest;
  };

  const confirmedBy = new Map(merge.confirmations.map((c) => [cycleIdOf(c.cycle), c]));
  const findings = analysis.findings.map((f) => {
    const confirmation = f.code === 'lock-order-inversion' && f.cycleId !== undefined ? confirmedBy.get(f.cycleId) : undefined;
    if (!confirmation) return f;
    const annotated = withRuntimeEvidence(f, CONFIRMED, confirmation.edges);
    // A cycle shown quietly because its paths might not go together is no longer in doubt once lockdep saw all of it.
    if (wholeCycleSeen(confirmation) && SEVERITY_RANK[annotated.severity] < SEVERITY_RANK.warning) annotated.severity = 'warning';
    return annotated;
  });
  for (const { finding, edges } of merge.newCycles) findings.push(keepFixIfStatic(withoutRepeats(withRuntimeEvidence(finding, OBSERVED, edges))));
  for (const violation of runtimeOrderViolations(analysis, merge)) {
    const duplicate = findings.some((f) => f.code === violation.code && placeKey(f.file, f.range.start) === placeKey(violation.file, violation.range.start));
    if (!duplicate) findings.push(keepFixIfStatic(violation));
  }
  findings.sort(compareFindings);
  return { ...merge, findings, toJson: () => merge.graph.toJson(merge.cycles) };
}

/** Declared-order violations of the runtime edges alone, each with its report line. */
function runtimeOrderViolations(analysis: ProgramAnalysis, merge: LockdepMerge): Finding[] {
  if (analysis.declared.orders.length === 0) return [];
  const runtimeOnly = new LockGraph();
  for (const edge of merge.runtimeEdges) runtimeOnly.addEdge(edge.from, edge.to, edge.site);
  return checkDeclaredOrders(runtimeOnly, analysis.declared, merge.cycles).flatMap((f) => {
    const edge = merge.runtimeEdges.find((e) => e.from === f.locks[0] && e.to === f.locks[1] && e.site.site === f.range);
    return edge ? [withRuntimeEvidence(f, OBSERVED, [edge])] : [];
  });
}

function wholeCycleSeen({ cycle, edges }: RuntimeCycle): boolean {
  return cycle.every((from, i) => edges.some((e) => e.from === from && e.to === cycle[(i + 1) % cycle.length]));
}

function withRuntimeEvidence(finding: Finding, phrase: string, edges: RuntimeEdge[]): Finding {
  const byLine = new Map<string, RuntimeEdge>();
  for (const edge of edges) {
    const key = placeKey(edge.report.file, edge.report.range.start);
    if (!byLine.has(key)) byLine.set(key, edge);
  }
  const distinct = [...byLine.values()];
  const refs = distinct.map(reportRef);
  const more = refs.length > MAX_REFS_IN_MESSAGE ? `, +${refs.length - MAX_REFS_IN_MESSAGE} more` : '';
  const suffix = ` — ${phrase} (${refs.slice(0, MAX_REFS_IN_MESSAGE).join(', ')}${more})`;
  const annotated: Finding = {
    ...finding,
    message: finding.message + suffix,
    related: [
      ...finding.related,
      ...distinct.slice(0, MAX_RELATED_REPORT_LINES).map((edge) => ({
        file: edge.report.file,
        range: edge.report.range,
        function: '',
        message: `lockdep: \`${edge.taken}\` taken while holding \`${edge.held}\` (\`${edge.to}\` under \`${edge.from}\`)`,
      })),
    ],
  };
  if (finding.sites) annotated.sites = finding.sites.map((s) => ({ ...s, message: s.message + suffix }));
  return annotated;
}

/** A runtime site where a static one already is repeats it in the engine's lists of sites. */
function withoutRepeats(finding: Finding): Finding {
  const once = <T extends RelatedSite>(list: T[]): T[] => {
    const seen = new Set<string>();
    return list.filter((s) => {
      const key = `${placeKey(s.file, s.range.start)}\u0000${s.message}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  };
  const deduped: Finding = { ...finding, related: once(finding.related) };
  if (finding.sites) deduped.sites = once(finding.sites);
  return deduped;
}

function reportRef(edge: RuntimeEdge): string {
  return `${baseName(edge.report.file)}:${edge.report.range.start.line + 1}`;
}

function cycleIdOf(cycle: string[]): string {
  return `cycle:${cycle.join(' -> ')}`;
}

function placeKey(file: string, at: { line: number; character: number }): string {
  return `${file}:${at.line}:${at.character}`;
}
