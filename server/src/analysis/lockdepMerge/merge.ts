/**
 * Lockdep's edges joined to the static lock graph. Each observed "taken while holding" becomes an
 * edge between the engine's classes (see lockClassMap.ts), with an `origin: 'lockdep'` site: the
 * acquisition in the sources when the stack reaches them, else the report line. The merged graph
 * is searched for cycles again: a reported static cycle that a runtime edge lies on is confirmed;
 * a cycle that needs a runtime edge is new. The analysis itself is left as it was.
 */
import { findInversions } from '../inversions';
import type { Finding } from '../findings';
import type { LockName, LockdepReport, StackFrame } from '../lockdep';
import { LockGraph, type EdgeSite } from '../lockGraph';
import type { ProgramAnalysis } from '../program';
import type { Range } from '../sites';
import { acquisitionInSources, type SourceSite } from './frames';
import { mapLockName, type LockMapping } from './lockClassMap';
import { collectTakingStacks, observationsOf, type Observation, type RuntimeEvidence } from './observations';
import { baseClass, Workspace } from './workspace';

export interface LockdepInput {
  /** The report's key, named like the sources: a path for the CLI, a URI for the language server. */
  file: string;
  report: LockdepReport;
}

export interface ReportLocation {
  file: string;
  range: Range;
}

export interface RuntimeEdge {
  from: string;
  to: string;
  /** The two names as lockdep printed them. */
  held: string;
  taken: string;
  evidence: RuntimeEvidence;
  /** The site added to the graph. */
  site: EdgeSite;
  /** Where the report names the taken lock of this edge. */
  report: ReportLocation;
}

/** A cycle found in the merged graph, with the runtime edges on it. */
export interface RuntimeCycle {
  cycle: string[];
  edges: RuntimeEdge[];
}

export interface LockdepMerge {
  graph: LockGraph;
  /** The analysis's cycles, then the new ones: the order the graph JSON numbers them in. */
  cycles: string[][];
  runtimeEdges: RuntimeEdge[];
  /** Every lockdep name on an edge, mapped or not. */
  mappings: LockMapping[];
  unmapped: LockMapping[];
  /** Reported static cycles that a runtime edge lies on. */
  confirmations: RuntimeCycle[];
  /** Cycles that need a runtime edge, each with the inversion finding the engine makes of it. */
  newCycles: (RuntimeCycle & { finding: Finding })[];
}

export function mergeLockdep(analysis: ProgramAnalysis, inputs: LockdepInput[]): LockdepMerge {
  const ws = new Workspace(analysis);
  const stacks = new Map<string, StackFrame[][]>();
  for (const input of inputs) collectTakingStacks(input.report, stacks);

  const mappings = new Map<string, LockMapping>();
  const classOf = (name: LockName): string => {
    let mapping = mappings.get(name.raw);
    if (!mapping) mappings.set(name.raw, (mapping = mapLockName(ws, name, stacks.get(name.raw) ?? [])));
    return mapping.classId;
  };

  const graph = copyGraph(analysis.graph);
  const runtimeEdges: RuntimeEdge[] = [];
  const seen = new Set<string>();
  for (const input of inputs) {
    for (const observation of observationsOf(input.report)) {
      const from = classOf(observation.held);
      const to = classOf(observation.taken);
      // A recursion (a recursive-locking report), or two lockdep keys of one engine class: no order.
      if (from === to) continue;
      const site = runtimeSite(ws, input.file, observation, from, to, stacks);
      const key = `${from}\u0000${to}\u0000${input.file}\u0000${site.file}:${site.site.start.line}:${site.site.start.character}`;
      if (seen.has(key)) continue;
      seen.add(key);
      graph.addNode(from, site.fromKind, true);
      graph.addNode(to, site.toKind, true);
      graph.addEdge(from, to, site);
      runtimeEdges.push({
        from,
        to,
        held: observation.held.raw,
        taken: observation.taken.raw,
        evidence: observation.evidence,
        site,
        report: { file: input.file, range: observation.at },
      });
    }
  }

  const { confirmations, newCycles } = classifyCycles(analysis, graph, runtimeEdges);
  const all = [...mappings.values()].sort((a, b) => a.name.localeCompare(b.name));
  return {
    graph,
    cycles: [...analysis.cycles, ...newCycles.map((c) => c.cycle)],
    runtimeEdges,
    mappings: all,
    unmapped: all.filter((m) => m.rule === undefined),
    confirmations,
    newCycles,
  };
}

/**
 * The merged graph's cycles against the analysis's. A cycle whose every edge has a static site but
 * that the analysis did not report (one common lock serialises it, or it is past the per-component
 * cap) stays unreported: a runtime site knows no held locks, so it cannot un-gate a static cycle.
 */
function classifyCycles(analysis: ProgramAnalysis, graph: LockGraph, runtimeEdges: RuntimeEdge[]): Pick<LockdepMerge, 'confirmations' | 'newCycles'> {
  const onEdge = new Map<string, RuntimeEdge[]>();
  for (const edge of runtimeEdges) {
    const key = `${edge.from}\u0000${edge.to}`;
    const list = onEdge.get(key);
    if (list) list.push(edge);
    else onEdge.set(key, [edge]);
  }
  const runtimeOn = (cycle: string[]) => cycle.flatMap((from, i) => onEdge.get(`${from}\u0000${cycle[(i + 1) % cycle.length]}`) ?? []);

  const confirmations: RuntimeCycle[] = [];
  for (const cycle of analysis.cycles) {
    const edges = runtimeOn(cycle);
    if (edges.length > 0) confirmations.push({ cycle, edges });
  }
  const known = new Set(analysis.cycles.map((c) => c.join('\u0000')));
  const newCycles: LockdepMerge['newCycles'] = [];
  const merged = findInversions(graph, analysis.declared, analysis.keys);
  for (const cycle of merged.cycles) {
    if (known.has(cycle.join('\u0000'))) continue;
    const needsRuntime = cycle.some((from, i) => graph.edge(from, cycle[(i + 1) % cycle.length])!.sites.every((s) => s.origin === 'lockdep'));
    if (!needsRuntime) continue;
    const finding = merged.findings.find((f) => f.cycleId === `cycle:${cycle.join(' -> ')}`);
    if (finding) newCycles.push({ cycle, edges: runtimeOn(cycle), finding });
  }
  return { confirmations, newCycles };
}

function runtimeSite(
  ws: Workspace,
  reportFile: string,
  observation: Observation,
  from: string,
  to: string,
  stacks: Map<string, StackFrame[][]>,
): EdgeSite {
  const inSources = acquisitionInSources(ws, observation.frames, to);
  const place: SourceSite = inSources ?? {
    file: reportFile,
    function: observation.siteFrame?.function ?? '',
    site: observation.siteFrame?.range ?? observation.at,
    chain: [],
  };
  const line = `${baseName(reportFile)}:${observation.at.start.line + 1}`;
  const via = place.chain.length > 0 ? ` via ${place.chain.join('() → ')}()` : '';
  return {
    file: place.file,
    function: place.function,
    site: place.site,
    heldSite: inSources ? heldSite(ws, inSources, stacks.get(observation.held.raw) ?? [], from) : place.site,
    text: `lockdep: ${observation.taken.raw} taken while holding ${observation.held.raw}${via} (${line})`,
    // Seen happening: however deep the call, the order is not a guess, and the engine trusts only short chains.
    chain: [],
    gates: [],
    fromMode: 'exclusive',
    toMode: 'exclusive',
    fromKind: ws.classes.get(baseClass(from)) ?? 'lock',
    toKind: ws.classes.get(baseClass(to)) ?? 'lock',
    resolved: true,
    origin: 'lockdep',
  };
}

/**
 * Where the held lock was taken in the function of the edge's site, if a stack says so; else the
 * function's name, since the lock was already held when it ran.
 */
function heldSite(ws: Workspace, site: SourceSite, heldStacks: StackFrame[][], heldClass: string): Range {
  for (const stack of heldStacks) {
    const taken = acquisitionInSources(ws, stack, heldClass);
    if (taken && taken.file === site.file && taken.function === site.function) return taken.site;
  }
  return ws.functionsNamed(site.function).find((fa) => fa.fn.file === site.file)?.fn.nameRange ?? site.site;
}

function copyGraph(graph: LockGraph): LockGraph {
  const copy = new LockGraph();
  for (const node of graph.nodes.values()) {
    const added = copy.addNode(node.id, node.kind, node.resolved);
    for (const file of node.files) added.files.add(file);
  }
  for (const edge of graph.edges()) for (const site of edge.sites) copy.addEdge(edge.from, edge.to, site);
  return copy;
}

export function baseName(file: string): string {
  const name = file.replace(/^.*[\\/]/, '');
  try {
    return decodeURIComponent(name);
  } catch {
    return name;
  }
}
