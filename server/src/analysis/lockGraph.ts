/**
 * The lock-order graph: lock classes as nodes, "taken while holding" as edges, each edge with every
 * site that proves it. Cycles are found per strongly connected component, shortest first, so a big
 * component yields a handful of readable cycles rather than an exponential list.
 */
import type { EdgeOrigin, GraphJson, GraphSiteJson, LockFamily } from './graphJson';
import { familyOf } from './lockApis';
import { stronglyConnected } from './stronglyConnected';
import type { Range } from './sites';

export interface EdgeSite {
  file: string;
  function: string;
  site: Range;
  /** Where the held lock was taken, in the same function. */
  heldSite: Range;
  text: string;
  chain: string[];
  gates: string[];
  fromMode: string;
  toMode: string;
  fromKind: string;
  toKind: string;
  resolved: boolean;
  origin: 'static' | 'lockdep';
  /** The callee takes the lock only when the object passed is in some state the caller may not be in. */
  guarded?: boolean;
  innerFile?: string;
  innerSite?: Range;
}

export interface LockEdge {
  from: string;
  to: string;
  sites: EdgeSite[];
}

export interface LockNode {
  id: string;
  kind: string;
  family: LockFamily;
  resolved: boolean;
  files: Set<string>;
}

/** At most this many cycles are reported per strongly connected component. */
const MAX_CYCLES_PER_COMPONENT = 32;
/** Cycles longer than this are not worth a report: nobody can act on them. */
const MAX_CYCLE_LENGTH = 6;

export class LockGraph {
  readonly nodes = new Map<string, LockNode>();
  private readonly out = new Map<string, Map<string, LockEdge>>();
  /**
   * The nodes, edges and lists of a class's edges (`out`'s maps) this graph made or copied. The others
   * were taken over as they are from graphs merged in, shared with them until this graph changes one
   * (it then makes its own copy): merging the parts of a program's files copies only what more than
   * one part has, and records nothing for the rest. A graph is not changed once merged into another.
   */
  private readonly owned = new Set<LockNode | LockEdge | Map<string, LockEdge>>();

  addNode(id: string, kind: string, resolved: boolean, file?: string): LockNode {
    let node = this.nodes.get(id);
    if (!node) {
      node = { id, kind, family: familyOf(kind), resolved, files: new Set() };
      this.nodes.set(id, node);
      this.owned.add(node);
    } else {
      node = this.ownNode(node);
      if (node.kind === 'lock' && kind !== 'lock') {
        node.kind = kind;
        node.family = familyOf(kind);
      }
    }
    if (file) node.files.add(file);
    return node;
  }

  addEdge(from: string, to: string, site: EdgeSite): void {
    const targets = this.ownTargets(from);
    const edge = targets.get(to);
    if (edge) this.ownEdge(edge).sites.push(site);
    else {
      const added = { from, to, sites: [site] };
      targets.set(to, added);
      this.owned.add(added);
    }
  }

  /**
   * Adds every node and edge of `other` (a graph of some of the same additions): the result is the
   * graph that making `other`'s additions here, in their order, would give.
   */
  merge(other: LockGraph): void {
    if (this.nodes.size === 0 && this.out.size === 0) {
      // Into an empty graph: everything is taken over as it is.
      for (const [id, node] of other.nodes) this.nodes.set(id, node);
      for (const [from, targets] of other.out) this.out.set(from, targets);
      return;
    }
    for (const node of other.nodes.values()) {
      let here = this.nodes.get(node.id);
      if (!here) {
        this.nodes.set(node.id, node);
        continue;
      }
      if (here.kind === 'lock' && node.kind !== 'lock') {
        here = this.ownNode(here);
        here.kind = node.kind;
        here.family = familyOf(node.kind);
      }
      for (const file of node.files) if (!here.files.has(file)) (here = this.ownNode(here)).files.add(file);
    }
    for (const [from, targets] of other.out) {
      if (!this.out.has(from)) {
        this.out.set(from, targets);
        continue;
      }
      for (const [to, edge] of targets) {
        const existing = this.out.get(from)!.get(to);
        if (!existing) this.ownTargets(from).set(to, edge);
        else {
          const sites = this.ownEdge(existing).sites;
          for (const site of edge.sites) sites.push(site);
        }
      }
    }
  }

  /** The node itself if this graph made it, else this graph's own copy of it, in its place. */
  private ownNode(node: LockNode): LockNode {
    if (this.owned.has(node)) return node;
    const copy = { ...node, files: new Set(node.files) };
    this.nodes.set(node.id, copy);
    this.owned.add(copy);
    return copy;
  }

  /** The edge itself if this graph made it, else this graph's own copy of it, in its place. */
  private ownEdge(edge: LockEdge): LockEdge {
    if (this.owned.has(edge)) return edge;
    const copy = { from: edge.from, to: edge.to, sites: edge.sites.slice() };
    this.ownTargets(edge.from).set(edge.to, copy);
    this.owned.add(copy);
    return copy;
  }

  /** The edges from a class, as this graph's own map (made, or copied from the one it shares). */
  private ownTargets(from: string): Map<string, LockEdge> {
    const targets = this.out.get(from);
    if (targets && this.owned.has(targets)) return targets;
    const own = new Map(targets);
    this.out.set(from, own);
    this.owned.add(own);
    return own;
  }

  edge(from: string, to: string): LockEdge | undefined {
    return this.out.get(from)?.get(to);
  }

  *edges(): IterableIterator<LockEdge> {
    for (const targets of this.out.values()) yield* targets.values();
  }

  /** The classes taken while `id` is held, in the order their edges were added. */
  successors(id: string): string[] {
    return [...(this.out.get(id)?.keys() ?? [])];
  }

  edgesFrom(id: string): LockEdge[] {
    return [...(this.out.get(id)?.values() ?? [])];
  }

  edgesTo(id: string): LockEdge[] {
    const into: LockEdge[] = [];
    for (const targets of this.out.values()) {
      const edge = targets.get(id);
      if (edge) into.push(edge);
    }
    return into;
  }

  /** Strongly connected components with more than one node, each sorted. */
  components(): string[][] {
    const successors = (v: string) => [...(this.out.get(v)?.keys() ?? [])].filter((w) => w !== v);
    return stronglyConnected(this.nodes.keys(), successors)
      .filter((component) => component.length > 1)
      .map((component) => component.sort());
  }

  /** Elementary cycles inside one component: for each edge, the shortest way back closes one. */
  cyclesIn(component: string[]): string[][] {
    const members = new Set(component);
    const seen = new Set<string>();
    const cycles: string[][] = [];
    for (const from of component) {
      for (const to of this.out.get(from)?.keys() ?? []) {
        if (!members.has(to) || to === from) continue;
        const back = this.shortestPath(to, from, members);
        if (!back || back.length > MAX_CYCLE_LENGTH) continue;
        const cycle = canonicalRotation(back);
        const key = cycle.join('\u0000');
        if (seen.has(key)) continue;
        seen.add(key);
        cycles.push(cycle);
        if (cycles.length >= MAX_CYCLES_PER_COMPONENT) return cycles;
      }
    }
    return cycles.sort((a, b) => a.length - b.length || a.join().localeCompare(b.join()));
  }

  private shortestPath(from: string, to: string, within: Set<string>): string[] | null {
    const previous = new Map<string, string>([[from, from]]);
    let frontier = [from];
    while (frontier.length > 0) {
      const nextFrontier: string[] = [];
      for (const v of frontier) {
        for (const w of this.out.get(v)?.keys() ?? []) {
          if (!within.has(w) || previous.has(w)) continue;
          previous.set(w, v);
          if (w === to) {
            const path = [w];
            for (let p = v; p !== from; p = previous.get(p)!) path.push(p);
            path.push(from);
            return path.reverse();
          }
          nextFrontier.push(w);
        }
      }
      frontier = nextFrontier;
    }
    return null;
  }

  /** Longest-path layers of the acyclic condensation: a lock sits below every lock taken before it. */
  ranks(): Map<string, number> {
    const componentOf = new Map<string, string>();
    for (const component of this.components()) for (const id of component) componentOf.set(id, component[0]);
    const rep = (id: string) => componentOf.get(id) ?? id;
    const indegree = new Map<string, number>();
    const succ = new Map<string, Set<string>>();
    for (const id of this.nodes.keys()) indegree.set(rep(id), 0);
    for (const edge of this.edges()) {
      const a = rep(edge.from);
      const b = rep(edge.to);
      if (a === b) continue;
      let s = succ.get(a);
      if (!s) succ.set(a, (s = new Set()));
      if (!s.has(b)) {
        s.add(b);
        indegree.set(b, (indegree.get(b) ?? 0) + 1);
      }
    }
    const rank = new Map<string, number>();
    const queue = [...indegree.entries()].filter(([, d]) => d === 0).map(([id]) => id);
    for (const id of queue) rank.set(id, 0);
    for (let i = 0; i < queue.length; i++) {
      const v = queue[i];
      for (const w of succ.get(v) ?? []) {
        rank.set(w, Math.max(rank.get(w) ?? 0, rank.get(v)! + 1));
        const d = indegree.get(w)! - 1;
        indegree.set(w, d);
        if (d === 0) queue.push(w);
      }
    }
    const out = new Map<string, number>();
    for (const id of this.nodes.keys()) out.set(id, rank.get(rep(id)) ?? 0);
    return out;
  }

  /** The JSON the CLI, the LSP request and the page share. `cycles` are the reported ones. */
  toJson(cycles: string[][], toLineColumn: (site: EdgeSite) => GraphSiteJson = defaultSiteJson): GraphJson {
    const ranks = this.ranks();
    const cycleOfNode = new Map<string, number>();
    const cycleOfEdge = new Map<string, number>();
    cycles.forEach((cycle, i) => {
      for (let k = 0; k < cycle.length; k++) {
        if (!cycleOfNode.has(cycle[k])) cycleOfNode.set(cycle[k], i);
        const key = `${cycle[k]}\u0000${cycle[(k + 1) % cycle.length]}`;
        if (!cycleOfEdge.has(key)) cycleOfEdge.set(key, i);
      }
    });
    const used = new Set<string>();
    const edges = [...this.edges()]
      .sort((a, b) => a.from.localeCompare(b.from) || a.to.localeCompare(b.to))
      .map((edge) => {
        used.add(edge.from);
        used.add(edge.to);
        const origins = new Set(edge.sites.map((s) => s.origin));
        const origin: EdgeOrigin = origins.size > 1 ? 'both' : origins.has('lockdep') ? 'lockdep' : 'static';
        return {
          id: `${edge.from} -> ${edge.to}`,
          from: edge.from,
          to: edge.to,
          count: edge.sites.length,
          cycle: cycleOfEdge.get(`${edge.from}\u0000${edge.to}`) ?? null,
          origin,
          sites: edge.sites.map(toLineColumn),
        };
      });
    const nodes = [...this.nodes.values()]
      .filter((n) => used.has(n.id))
      .sort((a, b) => a.id.localeCompare(b.id))
      .map((n) => ({
        id: n.id,
        label: n.id,
        kind: n.kind,
        family: n.family,
        rank: ranks.get(n.id) ?? 0,
        cycle: cycleOfNode.get(n.id) ?? null,
        files: [...n.files].sort(),
      }));
    return { version: 1, nodes, edges, cycles: cycles.map((c, id) => ({ id, nodes: c })) };
  }
}

function defaultSiteJson(site: EdgeSite): GraphSiteJson {
  return {
    file: site.file,
    line: site.site.start.line + 1,
    column: site.site.start.character + 1,
    function: site.function,
    text: site.chain.length > 0 ? `${site.text} via ${site.chain.join('() → ')}()` : site.text,
  };
}

/** A cycle written from its smallest member, so A→B→A and B→A→B are one. */
function canonicalRotation(cycle: string[]): string[] {
  let best = 0;
  for (let i = 1; i < cycle.length; i++) if (cycle[i] < cycle[best]) best = i;
  return [...cycle.slice(best), ...cycle.slice(0, best)];
}
