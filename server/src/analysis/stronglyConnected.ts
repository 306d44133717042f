/**
 * Strongly connected components (Tarjan, iterative so deep graphs cannot overflow the stack). A
 * component comes out after every component it reaches: callees before callers, locks taken later
 * before locks taken earlier.
 */
export function stronglyConnected<T>(nodes: Iterable<T>, successors: (node: T) => T[]): T[][] {
  const order = new Map<T, number>();
  const low = new Map<T, number>();
  const onStack = new Set<T>();
  const stack: T[] = [];
  const components: T[][] = [];
  let counter = 0;
  const enter = (v: T, work: [T, T[], number][]) => {
    order.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    work.push([v, successors(v), 0]);
  };
  for (const root of nodes) {
    if (order.has(root)) continue;
    const work: [T, T[], number][] = [];
    enter(root, work);
    while (work.length > 0) {
      const top = work[work.length - 1];
      const [v, next, i] = top;
      if (i < next.length) {
        top[2]++;
        const w = next[i];
        if (!order.has(w)) enter(w, work);
        else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, order.get(w)!));
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1][0];
        low.set(parent, Math.min(low.get(parent)!, low.get(v)!));
      }
      if (low.get(v) === order.get(v)) {
        const component: T[] = [];
        let w: T;
        do {
          w = stack.pop()!;
          onStack.delete(w);
          component.push(w);
        } while (w !== v);
        components.push(component);
      }
    }
  }
  return components;
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
