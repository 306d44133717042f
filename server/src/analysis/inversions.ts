/**
 * Lock-order inversions: cycles in the lock graph that can deadlock. One finding per cycle, at one
 * of its sites, pointing at the others; cycles that would be reported at one acquisition, through
 * one edge, are one finding (see onePerAcquisition()). A cycle is not reported when it cannot deadlock:
 * - every site of every edge holds one common outer lock (a gate that serialises them);
 * - every acquisition in it is a reader of a recursive-read lock (rwlock_t readers never wait on readers);
 * - one of its classes is several lockdep classes (split by lock_class_key) or none (not validated):
 *   its edges may join different lockdep classes, so the cycle cannot be confirmed from the code.
 */
import type { DeclaredOrderIndex } from './declaredOrders';
import type { Finding, Severity } from './findings';
import type { LockdepKeys } from './lockdepKeys';
import { isCountingKind } from './lockApis';
import type { EdgeSite, LockEdge, LockGraph } from './lockGraph';

export function findInversions(
  graph: LockGraph,
  declared: DeclaredOrderIndex,
  keys: LockdepKeys,
  memo: InversionMemo = new InversionMemo(),
): { findings: Finding[]; cycles: string[][] } {
  const findings: Finding[] = [];
  const cycles: string[][] = [];
  const round = memo.begin(declared);
  for (const component of graph.components()) {
    for (const cycle of round.cyclesIn(graph, component)) {
      const edges = cycle.map((from, i) => graph.edge(from, cycle[(i + 1) % cycle.length])!);
      if (isGated(edges) || isReadersOnly(edges) || cycle.some((cls) => keys.unconfirmable(cls) !== null)) continue;
      cycles.push(cycle);
      findings.push(...round.findings(cycle, edges, () => cycleFindings(cycle, edges, declared)));
    }
  }
  round.end();
  return { findings: onePerAcquisition(findings), cycles };
}

/**
 * One finding per acquisition and edge: the cycles a component closes through one acquisition of a
 * lock under another all pass through that edge, and taking the two in the established order there
 * breaks each of them, so one report there says it (lockdep, too, reports one chain for a new
 * dependency). A warning is kept over information, then the shortest cycle; the others stay in the
 * graph's cycles.
 */
function onePerAcquisition(findings: Finding[]): Finding[] {
  const kept = new Map<string, Finding>();
  for (const finding of findings) {
    const key = `${finding.file}\u0000${finding.range.start.line}:${finding.range.start.character}\u0000${primaryEdge(finding)}`;
    const known = kept.get(key);
    if (!known || better(finding, known)) kept.set(key, finding);
  }
  if (kept.size === findings.length) return findings;
  const chosen = new Set(kept.values());
  return findings.filter((f) => chosen.has(f));
}

/** The edge the finding's own acquisition proves: `held -> taken`. */
function primaryEdge(finding: Finding): string {
  const index = finding.sites?.[0]?.edge ?? 0;
  return `${finding.locks[index]} -> ${finding.locks[(index + 1) % finding.locks.length]}`;
}

function better(a: Finding, b: Finding): boolean {
  if (a.severity !== b.severity) return a.severity === 'warning';
  return a.locks.length < b.locks.length;
}

interface Remembered {
  /** The sites of each edge of the cycle, as the findings were built from them. */
  sites: EdgeSite[][];
  findings: Finding[];
}

/**
 * The findings of the last analysis's cycles, for the next one (the language server's, after a
 * keystroke): a cycle whose edges have the very same site objects, in the same order, gets the very
 * same findings back, without building their messages again. The program keeps the sites of every
 * function it did not analyse again, so a cycle away from the edit keeps its findings, and whoever
 * publishes them can tell it did not change by identity.
 */
export class InversionMemo {
  private remembered = new Map<string, Remembered>();
  /** The cycles of each component of the last analysis, by its edges (`componentEdges`). */
  private cycles = new Map<string, string[][]>();
  /** The declared orders' names the remembered findings were built with (they decide the primary site). */
  private declaredKey = '';

  begin(declared: DeclaredOrderIndex): {
    cyclesIn(graph: LockGraph, component: string[]): string[][];
    findings(cycle: string[], edges: LockEdge[], build: () => Finding[]): Finding[];
    end(): void;
  } {
    const declaredKey = JSON.stringify(declared.orders.map((o) => o.locks));
    const previous = declaredKey === this.declaredKey ? this.remembered : new Map<string, Remembered>();
    const next = new Map<string, Remembered>();
    const nextCycles = new Map<string, string[][]>();
    return {
      // A component whose edges are those of the last analysis, in the same order, has its cycles:
      // a keystroke seldom adds or removes an order, and the search tries every edge of a component.
      cyclesIn: (graph, component) => {
        const key = componentEdges(graph, component);
        const cycles = this.cycles.get(key) ?? graph.cyclesIn(component);
        nextCycles.set(key, cycles);
        return cycles;
      },
      findings: (cycle, edges, build) => {
        const key = cycle.join('\u0000');
        const known = previous.get(key);
        const sites = edges.map((e) => e.sites);
        const entry = known && sameSites(known.sites, sites) ? known : { sites: sites.map((list) => list.slice()), findings: build() };
        next.set(key, entry);
        return entry.findings;
      },
      end: () => {
        this.remembered = next;
        this.cycles = nextCycles;
        this.declaredKey = declaredKey;
      },
    };
  }
}

/** The edges between the members of a component, in the order `LockGraph.cyclesIn` goes through them. */
function componentEdges(graph: LockGraph, component: string[]): string {
  const members = new Set(component);
  return component.map((from) => `${from}\u0001${graph.successors(from).filter((to) => members.has(to)).join('\u0001')}`).join('\u0000');
}

function sameSites(a: EdgeSite[][], b: EdgeSite[][]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    if (a[i].length !== b[i].length) return false;
    for (let k = 0; k < a[i].length; k++) if (a[i][k] !== b[i][k]) return false;
  }
  return true;
}

/** Locks held at every site of an edge, besides the edge's own two. */
function alwaysHeld(edge: LockEdge): Set<string> {
  let common: string[] | null = null;
  for (const site of edge.sites) common = common === null ? [...site.gates] : common.filter((g) => site.gates.includes(g));
  return new Set(common ?? []);
}

function isGated(edges: LockEdge[]): boolean {
  const members = new Set(edges.map((e) => e.from));
  let common: string[] | null = null;
  for (const edge of edges) {
    const held = alwaysHeld(edge);
    common = common === null ? [...held] : common.filter((g) => held.has(g));
    if (common.length === 0) return false;
  }
  return (common ?? []).some((g) => !members.has(g));
}

function isReadersOnly(edges: LockEdge[]): boolean {
  return edges.every(takesReader);
}

/** Every site of the edge takes its second lock as an rwlock_t reader. */
function takesReader(edge: LockEdge): boolean {
  return edge.sites.every((s) => s.toMode === 'read' && s.toKind === 'rwlock');
}

/**
 * A cycle that enters an rwlock_t as a reader and leaves it while holding it as a reader: the thread
 * that waits inside the cycle with the read lock held is blocked only by a writer that already holds
 * it, which the cycle's other reader keeps out. A waiting writer can block that reader only where
 * readers queue behind writers (process context with queued rwlocks); a reader in an interrupt, or
 * with bottom halves off, takes the lock past a queued writer (lockdep's recursive read, for which
 * it reports no such cycle). Which context the reader runs in is not known here.
 */
function passesThroughReader(edges: LockEdge[]): boolean {
  return edges.some((into, i) => {
    const out = edges[(i + 1) % edges.length];
    return takesReader(into) && out.sites.every((s) => s.fromKind === 'rwlock' && s.fromMode === 'read');
  });
}

/**
 * A cycle made of counting semaphores alone: a `down()` often waits for another thread's `up()` (a
 * semaphore set up with a count of 0 is a signal), and a thread that waits on one holds nothing
 * while it waits on the next; lockdep does not track them either. Possible, not certain.
 */
function onlySemaphores(edges: LockEdge[]): boolean {
  return edges.every((e) => e.sites.every((s) => isCountingKind(s.fromKind) && isCountingKind(s.toKind)));
}

function where(site: EdgeSite): string {
  return `${site.function}() at ${baseName(site.file)}:${site.site.start.line + 1}`;
}

function baseName(file: string): string {
  return file.replace(/^.*[\\/]/, '');
}

function viaText(site: EdgeSite): string {
  return site.chain.length > 0 ? ` (via ${site.chain.join('() → ')}())` : '';
}

/**
 * The order the code mostly follows, for messages and the reorder fix: for a two-lock cycle, the
 * direction with more sites (a declared order wins); longer cycles name no preferred order.
 */
function establishedOrder(cycle: string[], edges: LockEdge[], declared: DeclaredOrderIndex): { order: string[]; support: number; declared: boolean } | null {
  if (cycle.length !== 2) return null;
  const [a, b] = cycle;
  const rule = declared.orderOf(a, b);
  const ab = edges[0].sites.length;
  const ba = edges[1].sites.length;
  if (rule) return { order: rule.first === a ? [a, b] : [b, a], support: rule.first === a ? ab : ba, declared: true };
  if (ab === ba) return null;
  return ab > ba ? { order: [a, b], support: ab, declared: false } : { order: [b, a], support: ba, declared: false };
}

/** The message of each site of `edge`: what differs from one to the next is only its call chain. */
function siteMessages(cycle: string[], edge: LockEdge, others: LockEdge[]): (site: EdgeSite) => string {
  const here = `Lock order inversion: \`${edge.to}\` is taken while holding \`${edge.from}\` here`;
  if (cycle.length === 2) {
    const other = others[0];
    const rest = `, but \`${other.to}\` is taken while holding \`${other.from}\` in ${where(other.sites[0])}${viaText(other.sites[0])}: possible ABBA deadlock`;
    return (site) => `${here}${viaText(site)}${rest}`;
  }
  const elsewhere = others.map((o) => `\`${o.to}\` under \`${o.from}\` in ${where(o.sites[0])}${viaText(o.sites[0])}`);
  const rest = `; with ${elsewhere.join(' and ')}, the locks form a cycle ${[...cycle, cycle[0]].join(' → ')}`;
  return (site) => `${here}${viaText(site)}${rest}`;
}

/** One finding per cycle, at the acquisition that goes against the established order where there is one. */
/**
 * A cycle is a warning when every edge has a site whose classes are typed and whose second lock is
 * taken at most one call away, unconditionally; a cycle that needs a deeper chain, an untyped class
 * or a callee that locks only for some states of its argument is shown as information, since its
 * paths may not be possible together. So is one that passes through an rwlock_t reader (see
 * passesThroughReader()), or one of counting semaphores alone (see onlySemaphores()).
 */
const CLOSE_CHAIN = 1;

function cycleFindings(cycle: string[], edges: LockEdge[], declared: DeclaredOrderIndex): Finding[] {
  const uncertain = edges.some((e) => !e.sites.some((s) => s.resolved && s.chain.length <= CLOSE_CHAIN && !s.guarded)) || passesThroughReader(edges) || onlySemaphores(edges);
  const severity: Severity = uncertain ? 'information' : 'warning';
  const established = establishedOrder(cycle, edges, declared);
  const primaryEdge = (established && edges.find((e) => e.to === established.order[0])) || edges[0];
  const primary = primaryEdge.sites.find((s) => s.chain.length === 0) ?? primaryEdge.sites[0];
  const sites = edges.flatMap((edge, index) => {
    const messageAt = siteMessages(cycle, edge, edges.filter((e) => e !== edge));
    return edge.sites.map((site) => ({
      index,
      file: site.file,
      range: site.site,
      function: site.function,
      message: messageAt(site),
      edge,
      site,
    }));
  });
  sites.sort((a, b) => (a.site === primary ? -1 : b.site === primary ? 1 : 0));
  const related = [
    { file: primary.file, range: primary.heldSite, function: primary.function, message: `\`${primaryEdge.from}\` taken here` },
    ...sites.slice(1).map((s) => ({
      file: s.file,
      range: s.range,
      function: s.function,
      message: `\`${s.edge.to}\` taken while holding \`${s.edge.from}\` in ${s.function}()${viaText(s.site)}`,
    })),
  ];
  const finding: Finding = {
    code: 'lock-order-inversion',
    severity,
    message: sites[0].message,
    file: primary.file,
    range: primary.site,
    function: primary.function,
    locks: [...cycle],
    related,
    cycleId: `cycle:${cycle.join(' -> ')}`,
    sites: sites.map(({ file, range, function: fn, message, index }) => ({ file, range, function: fn, message, edge: index })),
  };
  if (established && primaryEdge.to === established.order[0] && primary.chain.length === 0) {
    finding.detail = {
      kind: 'inversion',
      heldClass: primaryEdge.from,
      takenClass: primaryEdge.to,
      heldRange: primary.heldSite,
      preferredOrder: established.order,
      orderSupport: established.support,
      declared: established.declared,
    };
  }
  return [finding];
}
