import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseC, type SyntaxNode } from '../../server/src/analysis/parser';
import { DocumentStore, pointAt, treeEditFor } from '../../server/src/lsp/engine/documentStore';

/** Every node with its offsets and points: two trees agree when these lists do. */
function shape(root: SyntaxNode): string[] {
  const out: string[] = [];
  const visit = (node: SyntaxNode) => {
    const s = node.startPosition;
    const e = node.endPosition;
    out.push(`${node.type} ${node.startIndex}-${node.endIndex} ${s.row}:${s.column}-${e.row}:${e.column}`);
    for (const child of node.children) visit(child);
  };
  visit(root);
  return out;
}

const SOURCE = [
  '/* Zähler — « verrou » 🔒 */',
  'static DEFINE_SPINLOCK(a_lock);',
  'void f(void)',
  '{',
  '\tspin_lock(&a_lock); /* déjà 🔓 */ spin_lock(&b_lock);',
  '\tcount++;',
  '\tspin_unlock(&b_lock);',
  '\tspin_unlock(&a_lock);',
  '}',
  '',
].join('\n');

type Edit = { range: { start: { line: number; character: number }; end: { line: number; character: number } }; text: string };

/** Edits around and after non-ASCII text (é is one UTF-16 unit, 🔒 two): each in a separate change. */
const EDITS: Edit[] = [
  { range: { start: { line: 4, character: 34 }, end: { line: 4, character: 34 } }, text: ' /* ß */' },
  { range: { start: { line: 0, character: 3 }, end: { line: 0, character: 9 } }, text: 'Zählerstand 🔒🔒' },
  { range: { start: { line: 5, character: 1 }, end: { line: 5, character: 8 } }, text: 'if (x)\n\t\tcount += 2; /* ½ */' },
  { range: { start: { line: 4, character: 21 }, end: { line: 4, character: 34 } }, text: '' },
  { range: { start: { line: 1, character: 0 }, end: { line: 2, character: 0 } }, text: '' },
];

describe('document store: incremental parsing', () => {
  it('keeps a tree equal to a fresh parse through edits after non-ASCII text', () => {
    const store = new DocumentStore();
    const doc = store.open('file:///t.c', 1, SOURCE);
    store.parse(doc);
    EDITS.forEach((edit, i) => {
      store.change('file:///t.c', i + 2, [edit]);
      const incremental = store.parse(doc);
      const fresh = parseC(doc.document.getText());
      assert.deepEqual(shape(incremental.rootNode), shape(fresh.rootNode), `after edit ${i + 1}`);
    });
    assert.match(doc.document.getText(), /Zählerstand 🔒🔒/);
  });

  it('applies several changes of one notification in order', () => {
    const store = new DocumentStore();
    const doc = store.open('file:///t.c', 1, SOURCE);
    store.parse(doc);
    store.change('file:///t.c', 2, EDITS);
    const fresh = parseC(doc.document.getText());
    assert.deepEqual(shape(store.parse(doc).rootNode), shape(fresh.rootNode));
    assert.equal(doc.document.version, 2);
  });

  it('would go wrong with UTF-8 byte offsets (so the test above can fail)', () => {
    const text = SOURCE;
    const tree = parseC(text);
    const start = text.indexOf('spin_lock(&b_lock)');
    const edit = treeEditFor(text, start, start, 'x');
    const utf8 = Buffer.byteLength(text.slice(0, start), 'utf8');
    tree.edit({ ...edit, startIndex: utf8, oldEndIndex: utf8, newEndIndex: utf8 + 1 });
    const edited = text.slice(0, start) + 'x' + text.slice(start);
    assert.notDeepEqual(shape(parseC(edited, tree).rootNode), shape(parseC(edited).rootNode));
  });

  it('counts rows at \\n only and columns in UTF-16 units', () => {
    assert.deepEqual(pointAt('a🔒b\nc', 3), { row: 0, column: 3 });
    assert.deepEqual(pointAt('a\r\nb', 3), { row: 1, column: 0 });
    assert.deepEqual(pointAt('\nb', 0), { row: 0, column: 0 });
    assert.deepEqual(pointAt('a\rb', 2), { row: 0, column: 2 });
  });
});
