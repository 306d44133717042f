/**
 * The lite copy of a syntax tree reads offsets only where it cannot derive them from children: it
 * must still give every node the type, field and offsets the binding gives it.
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { LiteNode, SyntaxNode, liteTree, parseC } from '../../server/src/analysis/parser';
import { fixture } from './engineHelpers';

const SHAPES = fixture('liteTree/shapes.c');

/** `type field start-end` for every node in document order, from the binding's own nodes. */
function bindingNodes(node: SyntaxNode, field: string | null, out: string[]): string[] {
  out.push(`${node.type} ${field} ${node.startIndex}-${node.endIndex}`);
  for (let i = 0; i < node.childCount; i++) bindingNodes(node.child(i)!, node.fieldNameForChild(i) ?? null, out);
  return out;
}

function liteNodes(node: LiteNode, out: string[]): string[] {
  out.push(`${node.type} ${node.field} ${node.startIndex}-${node.endIndex}`);
  for (const child of node.children) liteNodes(child, out);
  return out;
}

describe('liteTree', () => {
  it('copies every node with the binding’s type, field and offsets', () => {
    const tree = parseC(SHAPES.text);
    const expected = bindingNodes(tree.rootNode, null, []);
    assert.ok(expected.some((n) => n.startsWith('ERROR ')), 'the fixture should make the parser recover');
    assert.ok(expected.some((n) => n.startsWith('preproc_def ')));
    assert.deepEqual(liteNodes(liteTree(tree, SHAPES.text), []), expected);
  });

  it('copies a pruned node with its offsets and without its children', () => {
    const tree = parseC(SHAPES.text);
    const root = liteTree(tree, SHAPES.text, { types: new Set(['compound_statement']), test: () => true });
    const body = root.descendantsOfType('compound_statement')[0];
    assert.equal(body.children.length, 0);
    assert.match(body.text, /^\{\n\tif \(c == '\\n'\)[^]*\+ ;\n\}$/);
  });
});
