/**
 * Merging lock graphs (the program merges its files' parts into one graph on every analysis): the
 * merged graph is the one the parts' additions, made in order, would give, and the parts merged in
 * stay as they were whatever the merged graph is given afterwards (it shares their nodes and edges
 * until it changes one).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LockGraph, type EdgeSite } from '../../server/src/analysis/lockGraph';

function site(file: string, line: number): EdgeSite {
  const at = { line, character: 1 };
  return {
    file,
    function: `f${line}`,
    site: { start: at, end: at },
    heldSite: { start: at, end: at },
    text: 'spin_lock(&b)',
    chain: [],
    gates: [],
    fromMode: 'exclusive',
    toMode: 'exclusive',
    fromKind: 'spinlock',
    toKind: 'spinlock',
    resolved: true,
    origin: 'static',
  };
}

type Addition = { node: [string, string, string] } | { edge: [string, string, EdgeSite] };

/** Two files' additions: both take `a` then `b`; one names `m` as a plain `lock` first, the other as a mutex. */
const FIRST: Addition[] = [
  { node: ['a', 'spinlock', 'one.c'] },
  { node: ['m', 'lock', 'one.c'] },
  { edge: ['a', 'b', site('one.c', 3)] },
  { node: ['b', 'spinlock', 'one.c'] },
  { edge: ['m', 'a', site('one.c', 9)] },
];
const SECOND: Addition[] = [
  { node: ['b', 'spinlock', 'two.c'] },
  { node: ['m', 'mutex', 'two.c'] },
  { edge: ['a', 'b', site('two.c', 5)] },
  { edge: ['b', 'c', site('two.c', 6)] },
  { node: ['c', 'spinlock', 'two.c'] },
];

function graphOf(...lists: Addition[][]): LockGraph {
  const graph = new LockGraph();
  for (const list of lists) {
    for (const a of list) {
      if ('node' in a) graph.addNode(a.node[0], a.node[1], true, a.node[2]);
      else graph.addEdge(a.edge[0], a.edge[1], a.edge[2]);
    }
  }
  return graph;
}

/** Everything a graph holds, nodes and edges in their order, sites by identity. */
function contents(graph: LockGraph) {
  return {
    nodes: [...graph.nodes.values()].map((n) => ({ id: n.id, kind: n.kind, family: n.family, resolved: n.resolved, files: [...n.files] })),
    edges: [...graph.edges()].map((e) => ({ from: e.from, to: e.to, sites: [...e.sites] })),
  };
}

describe('lock graph merging', () => {
  it('gives the graph of the parts’ additions made in order', () => {
    const merged = new LockGraph();
    merged.merge(graphOf(FIRST));
    merged.merge(graphOf(SECOND));
    assert.deepEqual(contents(merged), contents(graphOf(FIRST, SECOND)));
    assert.equal(merged.nodes.get('m')!.kind, 'mutex');
    assert.deepEqual(merged.edge('a', 'b')!.sites.map((s) => s.file), ['one.c', 'two.c']);
  });

  it('leaves the parts as they were, whatever the merged graph is given afterwards', () => {
    const first = graphOf(FIRST);
    const second = graphOf(SECOND);
    const before = [contents(first), contents(second)];
    const merged = new LockGraph();
    merged.merge(first);
    merged.merge(second);
    merged.addEdge('b', 'c', site('three.c', 1));
    merged.addEdge('m', 'a', site('three.c', 2));
    merged.addNode('c', 'spinlock', true, 'three.c');
    merged.addNode('a', 'spinlock', true, 'three.c');
    merged.merge(graphOf([{ node: ['b', 'spinlock', 'four.c'] }, { edge: ['a', 'b', site('four.c', 7)] }]));
    assert.deepEqual([contents(first), contents(second)], before);
    assert.deepEqual(merged.edge('b', 'c')!.sites.map((s) => s.file), ['two.c', 'three.c']);
    assert.deepEqual(merged.edge('m', 'a')!.sites.map((s) => s.file), ['one.c', 'three.c']);
    assert.deepEqual(merged.edge('a', 'b')!.sites.map((s) => s.file), ['one.c', 'two.c', 'four.c']);
    assert.deepEqual([...merged.nodes.get('a')!.files], ['one.c', 'three.c']);
    assert.deepEqual([...merged.nodes.get('b')!.files], ['one.c', 'two.c', 'four.c']);
  });

  it('gives a merged graph that later merges leave as it was', () => {
    const whole = new LockGraph();
    whole.merge(graphOf(FIRST));
    const snapshot = contents(whole);
    const next = new LockGraph();
    next.merge(whole);
    next.merge(graphOf(SECOND));
    next.addNode('m', 'mutex', true, 'five.c');
    assert.deepEqual(contents(whole), snapshot);
    assert.equal(whole.nodes.get('m')!.kind, 'lock');
  });
});
