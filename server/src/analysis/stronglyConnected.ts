/**
 * Strongly connected components (Tarjan, iterative so deep graphs cannot overflow the stack). A
 * component comes out after every component it reaches: callees before callers, locks taken later
 * before locks taken earlier.
 */
export function stronglyConnected<T>(nodes: Iterable<T>, successors: (node: T) => T[]): T[][] {
  // One record per node reached, so that each edge costs one lookup (a whole kernel tree's call
  // graph has millions).
  const visits = new Map<T, Visit>();
  const stack: T[] = [];
  const components: T[][] = [];
  let counter = 0;
  const enter = (v: T, work: Frame<T>[]): Visit => {
    const visit: Visit = { order: counter, low: counter++, onStack: true };
    visits.set(v, visit);
    stack.push(v);
    work.push({ node: v, visit, next: successors(v), index: 0 });
    return visit;
  };
  for (const root of nodes) {
    if (visits.has(root)) continue;
    const work: Frame<T>[] = [];
    enter(root, work);
    while (work.length > 0) {
      const top = work[work.length - 1];
      if (top.index < top.next.length) {
        const w = top.next[top.index++];
        const seen = visits.get(w);
        if (seen === undefined) enter(w, work);
        else if (seen.onStack) top.visit.low = Math.min(top.visit.low, seen.order);
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1].visit;
        parent.low = Math.min(parent.low, top.visit.low);
      }
      if (top.visit.low === top.visit.order) {
        const component: T[] = [];
        let w: T;
        do {
          w = stack.pop()!;
          visits.get(w)!.onStack = false;
          component.push(w);
        } while (w !== top.node);
        components.push(component);
      }
    }
  }
  return components;
}

interface Visit {
  order: number;
  low: number;
  onStack: boolean;
}

interface Frame<T> {
  node: T;
  visit: Visit;
  next: T[];
  index: number;
}

/**
 * The nodes in depth-first postorder (iterative): each comes after the nodes it reaches, except
 * where a cycle leads back to one still being visited. Inside a recursive group this is callees
 * first wherever the recursion allows it.
 */
export function calleesFirst<T>(nodes: Iterable<T>, successors: (node: T) => T[]): T[] {
  const visited = new Set<T>();
  const out: T[] = [];
  for (const root of nodes) {
    if (visited.has(root)) continue;
    visited.add(root);
    const work: [T, T[], number][] = [[root, successors(root), 0]];
    while (work.length > 0) {
      const top = work[work.length - 1];
      const [v, next, i] = top;
      if (i < next.length) {
        top[2]++;
        const w = next[i];
        if (!visited.has(w)) {
          visited.add(w);
          work.push([w, successors(w), 0]);
        }
        continue;
      }
      work.pop();
      out.push(v);
    }
  }
  return out;
}
