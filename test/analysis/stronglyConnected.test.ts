/** Tarjan's components, as the summary pass orders functions and the lock graph finds cycles. */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { stronglyConnected } from '../../server/src/analysis/stronglyConnected';

function componentsOf(edges: Record<string, string[]>, roots = Object.keys(edges)): string[][] {
  return stronglyConnected(roots, (v) => edges[v] ?? []).map((c) => [...c].sort());
}

describe('stronglyConnected', () => {
  it('puts each component after every component it reaches, cycles whole', () => {
    // a → b ⇄ c → d, a → e → e (a self-loop is a component of one).
    const edges = { a: ['b', 'e'], b: ['c'], c: ['b', 'd'], d: [], e: ['e'] };
    const components = componentsOf(edges);
    assert.deepEqual([...components].sort(), [['a'], ['b', 'c'], ['d'], ['e']]);
    const at = (v: string) => components.findIndex((c) => c.includes(v));
    assert.ok(at('d') < at('b') && at('b') < at('a') && at('e') < at('a'), JSON.stringify(components));
  });

  it('finds a cycle through every node, and nodes reached only from the roots given', () => {
    assert.deepEqual(componentsOf({ a: ['b'], b: ['c'], c: ['a'] }, ['b']), [['a', 'b', 'c']]);
    assert.deepEqual(componentsOf({ a: ['b'], b: [], c: ['a'] }, ['a']), [['b'], ['a']]);
  });

  it('walks a chain deeper than any call stack', () => {
    const depth = 200_000;
    const components = stronglyConnected(Array.from({ length: depth }, (_, i) => i), (v) => (v + 1 < depth ? [v + 1] : [0]));
    assert.equal(components.length, 1);
    assert.equal(components[0].length, depth);
  });
});
