/**
 * Declared lock orders: `lockorder: A -> B -> C` in a comment, or the same string in the config file.
 * A name matches a lock class exactly, or as the class's last field (`lock` matches `foo.lock`) when
 * that is unambiguous in the graph. An edge against a declared order is a finding even without a cycle.
 */
import type { FileFacts } from './functionFacts';
import type { Finding } from './findings';
import type { LockGraph } from './lockGraph';
import type { Range } from './sites';

export interface DeclaredOrder {
  locks: string[];
  /** Where it was declared: a file and range, or the config file. */
  file: string;
  range: Range;
}

export class DeclaredOrderIndex {
  private constructor(readonly orders: DeclaredOrder[]) {}

  static of(files: FileFacts[], configOrders: string[], configFile = 'lockorder config'): DeclaredOrderIndex {
    const orders: DeclaredOrder[] = [];
    for (const file of files) for (const d of file.declaredOrders) orders.push({ locks: d.locks, file: d.file, range: d.site });
    const origin: Range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
    for (const text of configOrders) {
      const locks = text.split('->').map((l) => l.trim()).filter((l) => l.length > 0);
      if (locks.length >= 2) orders.push({ locks, file: configFile, range: origin });
    }
    return new DeclaredOrderIndex(orders);
  }

  /** The declaration ordering classes `a` and `b`, and which comes first. */
  orderOf(a: string, b: string): { first: string; order: DeclaredOrder } | undefined {
    for (const order of this.orders) {
      const ia = order.locks.findIndex((name) => matches(name, a));
      const ib = order.locks.findIndex((name) => matches(name, b));
      if (ia >= 0 && ib >= 0 && ia !== ib) return { first: ia < ib ? a : b, order };
    }
    return undefined;
  }

  /** Declarations naming this class, for hover. */
  mentioning(cls: string): DeclaredOrder[] {
    return this.orders.filter((o) => o.locks.some((name) => matches(name, cls)));
  }
}

/** `foo.lock` matches `foo.lock`, `lock`, and `foo.lock/1` (a subclass keeps its class's order). */
export function matches(declared: string, cls: string): boolean {
  const base = cls.replace(/\/[^/]*$/, '');
  if (declared === cls || declared === base) return true;
  return base.endsWith(`.${declared}`) || base.endsWith(`->${declared}`);
}

export function checkDeclaredOrders(graph: LockGraph, declared: DeclaredOrderIndex, reportedCycles: string[][]): Finding[] {
  if (declared.orders.length === 0) return [];
  const inCycle = new Set<string>();
  for (const cycle of reportedCycles) for (let i = 0; i < cycle.length; i++) inCycle.add(`${cycle[i]}>${cycle[(i + 1) % cycle.length]}`);
  const findings: Finding[] = [];
  for (const edge of graph.edges()) {
    const rule = declared.orderOf(edge.from, edge.to);
    if (!rule || rule.first !== edge.to) continue;
    for (const site of edge.sites) {
      const where = rule.order.file === 'lockorder config' ? 'the config file' : `${rule.order.file.replace(/^.*[\\/]/, '')}:${rule.order.range.start.line + 1}`;
      findings.push({
        code: 'declared-order-violation',
        severity: 'warning',
        message: `\`${edge.to}\` is taken while holding \`${edge.from}\`, against the declared order ${rule.order.locks.join(' -> ')} (${where})`,
        file: site.file,
        range: site.site,
        function: site.function,
        locks: [edge.from, edge.to],
        related: [
          { file: site.file, range: site.heldSite, function: site.function, message: `\`${edge.from}\` taken here` },
          ...(rule.order.file === 'lockorder config' ? [] : [{ file: rule.order.file, range: rule.order.range, function: '', message: 'order declared here' }]),
        ],
        detail: inCycle.has(`${edge.from}>${edge.to}`)
          ? undefined
          : {
              kind: 'inversion',
              heldClass: edge.from,
              takenClass: edge.to,
              heldRange: site.heldSite,
              preferredOrder: [edge.to, edge.from],
              orderSupport: 0,
              declared: true,
            },
      });
    }
  }
  return findings;
}
