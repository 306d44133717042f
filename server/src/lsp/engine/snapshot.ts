/**
 * An analysis turned into plain data for the main thread: findings, declared orders, every place an
 * open document names a lock, and a summary of each class named there (for hover). The whole graph
 * is not in it; the `lockorder/graph` request asks the worker for that. With lockdep reports, the
 * findings, edges and cycles are those of the merged analysis, and each report's notes come along.
 */
import type { GraphSiteJson } from '../../analysis/graphJson';
import type { FileFacts, FunctionFacts, Stmt, UnlockStmt } from '../../analysis/functionFacts';
import type { LockApiCatalogue } from '../../analysis/lockApis';
import { ClassResolver, type TypeTable } from '../../analysis/lockClasses';
import type { EdgeSite, LockEdge } from '../../analysis/lockGraph';
import type { LockProgram, ProgramAnalysis } from '../../analysis/program';
import { movedFrom } from '../../analysis/functionReuse';
import { rangeOfSpan } from '../../analysis/sites';
import type { LockdepView } from './lockdepView';
import type { Finding } from '../../analysis/findings';
import { ReferencePacker, type FindingEntry, type LockNeighbour, type LockReference, type LockSummary, type PackedReferences, type SnapshotMessage } from './messages';

/** Sites kept per neighbour: hover links this many and counts the rest. */
export const SITES_PER_NEIGHBOUR = 3;

/**
 * Gives each finding an id for as long as it is the same object, and remembers which ones the main
 * thread has: those of the last snapshot sent (it keeps exactly those).
 */
export class FindingIds {
  private sent = new Map<Finding, number>();
  private nextId = 1;

  /** The entries of a snapshot about to be sent: new findings with their content, the others by id. */
  entries(findings: readonly Finding[]): FindingEntry[] {
    const sent = new Map<Finding, number>();
    const entries = findings.map((finding): FindingEntry => {
      const known = this.sent.get(finding) ?? sent.get(finding);
      if (known !== undefined) {
        sent.set(finding, known);
        return { id: known };
      }
      const id = this.nextId++;
      sent.set(finding, id);
      return { id, finding };
    });
    this.sent = sent;
    return entries;
  }
}

export function buildSnapshot(
  generation: number,
  analysis: ProgramAnalysis,
  program: LockProgram,
  openUris: readonly string[],
  lockdep: LockdepView | undefined,
  ids: FindingIds,
  releases: ReleaseReferences,
): SnapshotMessage {
  const references: Record<string, PackedReferences> = {};
  for (const uri of openUris) {
    const facts = program.file(uri);
    if (!facts) continue;
    const refs = new ReferencePacker();
    for (const fn of facts.functions) {
      const own = program.acquisitionsOf(fn);
      for (const a of own?.acquisitions ?? []) refs.add(a.site, a.cls.id, a.kind, own!.lines);
    }
    for (const own of releases.of(facts, program.typeTable(), program.catalogue)) for (const r of own.refs) refs.add(r.range, r.cls, r.kind, own.lines);
    for (const d of facts.lockDeclarations) refs.add(d.site, d.name, d.kind);
    references[uri] = refs.pack();
  }
  const named = new Set(Object.values(references).flatMap((refs) => refs.classes));
  const shown = lockdep?.merged ?? analysis;
  return {
    generation,
    findings: ids.entries(shown.findings),
    declaredOrders: analysis.declared.orders.map((o) => ({ locks: o.locks, file: o.file, range: o.range })),
    references,
    locks: summaries(shown, named, lockdep, analysis),
    fileCount: program.fileNames().length,
    lockdep: lockdep?.notes() ?? {},
  };
}

function summaries(analysis: ProgramAnalysis, classes: Set<string>, lockdep: LockdepView | undefined, statics: ProgramAnalysis): Record<string, LockSummary> {
  const cycleEdges = new Map<string, Set<string>>();
  for (const cycle of analysis.cycles) {
    cycle.forEach((from, i) => cycleEdges.set(from, (cycleEdges.get(from) ?? new Set()).add(cycle[(i + 1) % cycle.length])));
  }
  const neighbour = (edge: LockEdge, id: string): LockNeighbour => ({
    id,
    count: edge.sites.length,
    sites: edge.sites.slice(0, SITES_PER_NEIGHBOUR).map(siteJson),
    onCycle: cycleEdges.get(edge.from)?.has(edge.to) ?? false,
    lockdep: edge.sites.filter((s) => s.origin === 'lockdep').length,
  });
  const result: Record<string, LockSummary> = {};
  for (const id of classes) {
    const node = analysis.graph.nodes.get(id);
    if (!node) continue;
    const split = statics.keys.unconfirmable(id);
    result[id] = {
      kind: node.kind,
      family: node.family,
      heldBefore: analysis.graph.edgesTo(id).map((e) => neighbour(e, e.from)),
      takenAfter: analysis.graph.edgesFrom(id).map((e) => neighbour(e, e.to)),
      cycles: analysis.cycles.filter((c) => c.includes(id)).map((locks) => ({ locks, lockdep: lockdep?.cycleState(locks) })),
      ...(split ? { lockdepSplit: split } : {}),
    };
  }
  return result;
}

/** 1-based, as the graph JSON counts. */
function siteJson(site: EdgeSite): GraphSiteJson {
  return { file: site.file, line: site.site.start.line + 1, column: site.site.start.character + 1, function: site.function, text: site.text };
}

/**
 * The releases in open documents, by function: a function's are kept for as long as its facts are the
 * same object and the types and lock APIs are the same (a keystroke re-extracts one function). Facts
 * moved by whole lines keep the releases of the facts they were moved from, with how many lines
 * further down they now are.
 */
export class ReleaseReferences {
  private byFunction = new WeakMap<FunctionFacts, FunctionReleases>();
  private types: TypeTable | undefined;
  private catalogue: LockApiCatalogue | undefined;

  of(facts: FileFacts, types: TypeTable, catalogue: LockApiCatalogue): FunctionReleases[] {
    if (types !== this.types || catalogue !== this.catalogue) {
      this.byFunction = new WeakMap();
      this.types = types;
      this.catalogue = catalogue;
    }
    return facts.functions.map((fn) => {
      let own = this.byFunction.get(fn);
      if (!own) this.byFunction.set(fn, (own = this.movedReleases(fn) ?? { refs: releasesIn(fn, types, catalogue), lines: 0 }));
      return own;
    });
  }

  /** The releases of facts moved by whole lines from facts whose releases are known. */
  private movedReleases(fn: FunctionFacts): FunctionReleases | undefined {
    const origin = movedFrom(fn);
    const before = origin && this.byFunction.get(origin.facts);
    return before && { refs: before.refs, lines: before.lines + origin.delta };
  }
}

/** A function's releases, as found at some earlier place of it, and how many lines below that it now is. */
export interface FunctionReleases {
  refs: LockReference[];
  lines: number;
}

function releasesIn(fn: FunctionFacts, types: TypeTable, catalogue: LockApiCatalogue): LockReference[] {
  const refs: LockReference[] = [];
  const resolver = new ClassResolver(types, fn);
  for (const unlock of unlocksOf(fn)) {
    if (!unlock.lock) continue;
    refs.push({ range: rangeOfSpan(unlock.site), cls: resolver.resolve(unlock.lock).id, kind: catalogue.get(unlock.api)?.kind ?? 'lock' });
  }
  return refs;
}

function unlocksOf(fn: FunctionFacts): UnlockStmt[] {
  const found: UnlockStmt[] = [];
  const visit = (stmts: Stmt[]): void => {
    for (const s of stmts) {
      if (s.t === 'unlock') found.push(s);
      else if (s.t === 'if') {
        visit(s.then);
        visit(s.else);
      } else if (s.t === 'loop' || s.t === 'scope') visit(s.body);
      else if (s.t === 'switch') s.cases.forEach(visit);
    }
  };
  visit(fn.body);
  return found;
}
