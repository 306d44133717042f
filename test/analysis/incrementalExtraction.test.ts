/**
 * Incremental extraction (the language server's path on a keystroke): the functions whose text did
 * not change are reused from the previous extraction, moved to their new lines. Whatever the edits,
 * the facts must be exactly those of a full extraction of the same tree.
 */
import { strict as assert } from 'node:assert';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { extractFile } from '../../server/src/analysis/extract';
import type { FileFacts, FunctionFacts } from '../../server/src/analysis/functionFacts';
import { FunctionReuse, movedFrom } from '../../server/src/analysis/functionReuse';
import { DEFAULT_CATALOGUE } from '../../server/src/analysis/lockApis';
import { analyzeTexts, factsOf, LockProgram } from '../../server/src/analysis/program';
import { catalogueFor } from '../../server/src/cli/engineBoundary';
import { DocumentStore } from '../../server/src/lsp/engine/documentStore';
import { collectGarbage } from '../fuzz/harness';
import { Random } from '../fuzz/random';
import { repoFile, repoRoot } from './engineHelpers';

/** What typing, pasting and deleting put into C: line breaks, braces, comments, directives, lock calls, whole functions. */
const SNIPPETS = [
  '\n',
  '\n\n',
  ' ',
  'x',
  ';',
  '{',
  '}',
  '(',
  '"',
  '/*',
  '*/',
  '// note\n',
  '/* lockorder-ignore */',
  '#if CONFIG_X\n',
  '#endif\n',
  '\tspin_lock(&dev->lock);\n',
  '\tmutex_unlock(&other_mutex);\n',
  'static int counter;\n',
  'struct added { spinlock_t lock; };\n',
  'void added(struct added *a)\n{\n\tspin_lock(&a->lock);\n\tspin_unlock(&a->lock);\n}\n',
];

function cFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? cFiles(path) : name.endsWith('.c') ? [path] : [];
  });
}

/** An edit at a random place: an insertion, a deletion, a replacement, or a line copied elsewhere. */
function randomEdit(random: Random, text: string): { start: number; end: number; inserted: string } {
  const at = random.below(text.length + 1);
  switch (random.below(4)) {
    case 0:
      return { start: at, end: at, inserted: random.pick(SNIPPETS) };
    case 1:
      return { start: at, end: Math.min(text.length, at + random.between(1, 40)), inserted: '' };
    case 2:
      return { start: at, end: Math.min(text.length, at + random.between(1, 8)), inserted: random.pick(SNIPPETS) };
    default: {
      const lineStart = text.lastIndexOf('\n', at - 1) + 1;
      const lineEnd = text.indexOf('\n', at);
      const line = text.slice(lineStart, lineEnd < 0 ? text.length : lineEnd + 1);
      const to = random.below(text.length + 1);
      return { start: to, end: to, inserted: line };
    }
  }
}

describe('incremental extraction', () => {
  const root = repoRoot();
  const files = [...cFiles(join(root, 'test/fixtures/engine')), ...cFiles(join(root, 'test/fixtures/fixes'))].map((p) => relative(root, p)).sort();

  it('gives the facts and findings of a full extraction after every one of many random edits of every fixture', () => {
    assert.ok(files.length > 20, `fixtures found: ${files.length}`);
    const random = new Random(20261122);
    let checked = 0;
    for (const path of files) {
      const uri = `file:///${path}`;
      const store = new DocumentStore();
      const doc = store.open(uri, 1, repoFile(path).text);
      const reuse = new FunctionReuse();
      const program = new LockProgram();
      for (let edit = 0; edit <= 25; edit++) {
        if (edit > 0) {
          const text = doc.document.getText();
          const { start, end, inserted } = randomEdit(random, text);
          const range = { start: doc.document.positionAt(start), end: doc.document.positionAt(end) };
          store.change(uri, edit + 1, [{ range, text: inserted }]);
        }
        // Some keystrokes are analysed, some only coalesced into the next analysis.
        if (edit > 0 && random.chance(0.3)) continue;
        // Compared with a full extraction of the same tree: an incremental parse may recover from
        // errors differently from a fresh one, which is tree-sitter's business, not extraction's.
        const text = doc.document.getText();
        const tree = store.parse(doc);
        const incremental = extractFile(uri, text, tree, DEFAULT_CATALOGUE, { reuse });
        const full = extractFile(uri, text, tree, DEFAULT_CATALOGUE);
        assert.deepStrictEqual(incremental, full, `${path} after edit ${edit}:\n${text}`);
        // And the program, which keeps the analysis of reused functions, agrees with a fresh one.
        program.setFile(incremental);
        const fresh = new LockProgram();
        fresh.setFile(full);
        const [kept, anew] = [program.analyze(), fresh.analyze()];
        assert.deepStrictEqual(kept.findings, anew.findings, `${path} after edit ${edit}:\n${text}`);
        assert.deepStrictEqual(kept.toJson(), anew.toJson(), `${path} after edit ${edit}:\n${text}`);
        checked++;
      }
    }
    assert.ok(checked > files.length * 15);
  });

  // Seed 7 once caught a recursive function whose call chain grew with each re-analysis.
  for (const seed of [1, 7]) it(`gives a program of many files, edited one file at a time, the findings and graph of a fresh one (seed ${seed})`, () => {
    const random = new Random(seed);
    const program = new LockProgram();
    const store = new DocumentStore();
    const reuse = new Map<string, FunctionReuse>();
    const full = new Map<string, FileFacts>();
    const extract = (uri: string) => {
      const doc = store.get(uri)!;
      const text = doc.document.getText();
      const tree = store.parse(doc);
      program.setFile(extractFile(uri, text, tree, DEFAULT_CATALOGUE, { reuse: reuse.get(uri) }));
      full.set(uri, extractFile(uri, text, tree, DEFAULT_CATALOGUE));
    };
    for (const path of files) {
      const uri = `file:///${path}`;
      store.open(uri, 1, repoFile(path).text);
      reuse.set(uri, new FunctionReuse());
      extract(uri);
    }
    let uri = `file:///${random.pick(files)}`;
    for (let edit = 0; edit < 120; edit++) {
      // Mostly keystrokes in one file, now and then in another.
      if (random.chance(0.2)) uri = `file:///${random.pick(files)}`;
      const doc = store.get(uri)!;
      const { start, end, inserted } = randomEdit(random, doc.document.getText());
      store.change(uri, doc.document.version + 1, [{ range: { start: doc.document.positionAt(start), end: doc.document.positionAt(end) }, text: inserted }]);
      extract(uri);
      if (random.chance(0.3)) continue;
      const fresh = new LockProgram();
      for (const facts of full.values()) fresh.setFile(facts);
      const [kept, anew] = [program.analyze(), fresh.analyze()];
      assert.deepStrictEqual(kept.findings, anew.findings, `after edit ${edit} of ${uri}`);
      assert.deepStrictEqual(kept.toJson(), anew.toJson(), `after edit ${edit} of ${uri}`);
    }
  });

  it('keeps the very facts of the functions an edit did not touch, and moves those below a new line', () => {
    const uri = 'file:///three.c';
    const text = [
      'void first(struct dev *d)',
      '{',
      '\tspin_lock(&d->lock);',
      '\tspin_unlock(&d->lock);',
      '}',
      '',
      'void second(struct dev *d)',
      '{',
      '\tmutex_lock(&d->mutex);',
      '\tmutex_unlock(&d->mutex);',
      '}',
      '',
      'void third(struct dev *d)',
      '{',
      '\tspin_lock(&d->lock);',
      '\tspin_unlock(&d->lock);',
      '}',
      '',
    ].join('\n');
    const store = new DocumentStore();
    const doc = store.open(uri, 1, text);
    const reuse = new FunctionReuse();
    const before = extractFile(uri, text, store.parse(doc), DEFAULT_CATALOGUE, { reuse });
    assert.deepEqual(before.functions.map((f) => f.name), ['first', 'second', 'third']);

    // A character typed inside `second`: `first` and `third` are the same objects as before.
    store.change(uri, 2, [{ range: { start: { line: 9, character: 1 }, end: { line: 9, character: 1 } }, text: ' ' }]);
    const typed = extractFile(uri, doc.document.getText(), store.parse(doc), DEFAULT_CATALOGUE, { reuse });
    assert.equal(typed.functions[0], before.functions[0]);
    assert.notEqual(typed.functions[1], before.functions[1]);
    assert.equal(typed.functions[2], before.functions[2]);

    // A line added inside `second`: `third` moves one line down, with all its positions.
    store.change(uri, 3, [{ range: { start: { line: 8, character: 0 }, end: { line: 8, character: 0 } }, text: '\tcount++;\n' }]);
    const added = extractFile(uri, doc.document.getText(), store.parse(doc), DEFAULT_CATALOGUE, { reuse });
    assert.equal(added.functions[0], before.functions[0]);
    assert.equal(added.functions[2].range.start.line, before.functions[2].range.start.line + 1);
    assert.deepStrictEqual(added, factsOf(uri, doc.document.getText()));
  });

  it('gives a function moved several times before its body was read the positions of a fresh extraction', () => {
    const uri = 'file:///moved.c';
    const text = [
      'static DEFINE_SPINLOCK(a);',
      'static DEFINE_SPINLOCK(b);',
      '',
      'void a_then_helper(void)',
      '{',
      '\tspin_lock(&a);',
      '\thelper();',
      '\tspin_unlock(&a);',
      '}',
      '',
      'void b_then_a(void)',
      '{',
      '\tspin_lock(&b);',
      '\tspin_lock(&a);',
      '\tspin_unlock(&a);',
      '\tspin_unlock(&b);',
      '}',
      '',
      'static void helper(void)',
      '{',
      '\tspin_lock(&b);',
      '\tspin_unlock(&b);',
      '}',
      '',
    ].join('\n');
    const store = new DocumentStore();
    const doc = store.open(uri, 1, text);
    const reuse = new FunctionReuse();
    const program = new LockProgram();
    const edit = (version: number, line: number, inserted: string) => {
      store.change(uri, version, [{ range: { start: { line, character: 0 }, end: { line, character: 0 } }, text: inserted }]);
      const facts = extractFile(uri, doc.document.getText(), store.parse(doc), DEFAULT_CATALOGUE, { reuse });
      program.setFile(facts);
      return { facts, analysis: program.analyze() };
    };
    program.setFile(extractFile(uri, text, store.parse(doc), DEFAULT_CATALOGUE, { reuse }));
    program.analyze();
    // Lines added at the top, one, then two, then three: every function only moves, six lines in all.
    for (const [version, lines] of [[2, 1], [3, 2], [4, 3]]) edit(version, 0, '\n'.repeat(lines));
    // helper() now also takes `a` on a new line: a_then_helper, moved six lines, is analysed again from its facts.
    const helperBody = doc.document.getText().split('\n').indexOf('\tspin_unlock(&b);', 6 + 17);
    const { facts, analysis } = edit(5, helperBody, '\tspin_lock(&a);\n\tspin_unlock(&a);\n');
    const now = doc.document.getText();
    assert.deepStrictEqual(facts, factsOf(uri, now));
    const fresh = analyzeTexts([{ file: uri, text: now }]);
    assert.deepStrictEqual(analysis.findings, fresh.findings);
    assert.deepStrictEqual(analysis.toJson(), fresh.graph);
    const viaHelper = analysis.graph.edge('a', 'b')!.sites.find((site) => site.function === 'a_then_helper');
    assert.equal(viaHelper?.site.start.line, 6 + 6, 'the call to helper(), six lines below where it was first extracted');
  });

  it('lets go of the versions of a function that kept moving: only the last move is remembered', async () => {
    const uri = 'file:///kept.c';
    const store = new DocumentStore();
    const doc = store.open(uri, 1, 'void f(struct dev *d)\n{\n\tspin_lock(&d->lock);\n\tspin_unlock(&d->lock);\n}\n');
    const reuse = new FunctionReuse();
    const extract = () => extractFile(uri, doc.document.getText(), store.parse(doc), DEFAULT_CATALOGUE, { reuse }).functions[0];
    const lineAtTop = () => store.change(uri, doc.document.version + 1, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '\n' }]);
    extract();
    // The first move's facts are held only weakly from here on.
    const firstMove = ((): WeakRef<FunctionFacts> => {
      lineAtTop();
      return new WeakRef(extract());
    })();
    lineAtTop();
    const second = extract();
    lineAtTop();
    const third = extract();
    assert.equal(movedFrom(third)?.facts, second);
    assert.equal(movedFrom(second), undefined, 'moved again: what it was moved from is forgotten');
    assert.equal(third.range.start.line, 3);
    assert.deepStrictEqual(third, factsOf(uri, doc.document.getText()).functions[0]);
    await new Promise((resolve) => setImmediate(resolve));
    collectGarbage();
    assert.equal(firstMove.deref(), undefined, 'the facts of the first move are no longer reachable');
  });

  it('revisits a kept caller when a line moves the lock its callee takes', () => {
    const uri = 'file:///callee.c';
    const text = [
      'static DEFINE_SPINLOCK(a);',
      'static DEFINE_SPINLOCK(b);',
      '',
      'void a_then_b(void)',
      '{',
      '\tspin_lock(&a);',
      '\ttake_b();',
      '\tspin_unlock(&a);',
      '}',
      '',
      'void b_then_a(void)',
      '{',
      '\tspin_lock(&b);',
      '\tspin_lock(&a);',
      '\tspin_unlock(&a);',
      '\tspin_unlock(&b);',
      '}',
      '',
      'static void take_b(void)',
      '{',
      '\tspin_lock(&b);',
      '\tspin_unlock(&b);',
      '}',
      '',
    ].join('\n');
    const store = new DocumentStore();
    const doc = store.open(uri, 1, text);
    const reuse = new FunctionReuse();
    const program = new LockProgram();
    const before = extractFile(uri, text, store.parse(doc), DEFAULT_CATALOGUE, { reuse });
    program.setFile(before);
    assert.equal(program.analyze().graph.edge('a', 'b')?.sites.find((site) => site.function === 'a_then_b')?.innerSite?.start.line, 20);

    store.change(uri, 2, [{ range: { start: { line: 20, character: 0 }, end: { line: 20, character: 0 } }, text: '\tcount++;\n' }]);
    const after = extractFile(uri, doc.document.getText(), store.parse(doc), DEFAULT_CATALOGUE, { reuse });
    assert.equal(after.functions[0], before.functions[0], 'a_then_b is reused as it was');
    program.setFile(after);
    // The edge a -> b is made in a_then_b, but its inner site is take_b's lock, one line down now.
    const fresh = analyzeTexts([{ file: uri, text: doc.document.getText() }]);
    const analysis = program.analyze();
    assert.deepStrictEqual(analysis.findings, fresh.findings);
    assert.deepStrictEqual(analysis.toJson(), fresh.graph);
    const viaTakeB = analysis.graph.edge('a', 'b')!.sites.find((site) => site.function === 'a_then_b');
    assert.equal(viaTakeB?.innerSite?.start.line, 21);
  });

  it('redoes the part of a file whose callee, in the file being typed in, changed', () => {
    const texts = new Map([
      ['file:///caller.c', 'void a_then_helper(void)\n{\n\tspin_lock(&a);\n\thelper();\n\tspin_unlock(&a);\n}\n'],
      ['file:///helper.c', 'void helper(void)\n{\n\tspin_lock(&b);\n\tspin_unlock(&b);\n}\n'],
      ['file:///other.c', 'void b_then_a(void)\n{\n\tspin_lock(&b);\n\tspin_lock(&a);\n\tspin_unlock(&a);\n\tspin_unlock(&b);\n}\n'],
    ]);
    const program = new LockProgram();
    const store = new DocumentStore();
    const reuse = new FunctionReuse();
    for (const [uri, text] of texts) program.setFile(factsOf(uri, text));
    const helper = store.open('file:///helper.c', 1, texts.get('file:///helper.c')!);
    const type = (change: { range: { start: { line: number; character: number }; end: { line: number; character: number } }; text: string }) => {
      store.change(helper.uri, helper.document.version + 1, [change]);
      texts.set(helper.uri, helper.document.getText());
      program.setFile(extractFile(helper.uri, helper.document.getText(), store.parse(helper), DEFAULT_CATALOGUE, { reuse }));
      const analysis = program.analyze();
      const fresh = analyzeTexts([...texts].map(([file, text]) => ({ file, text })));
      assert.deepStrictEqual(analysis.findings, fresh.findings, helper.document.getText());
      assert.deepStrictEqual(analysis.toJson(), fresh.graph, helper.document.getText());
      return analysis;
    };
    const space = { range: { start: { line: 1, character: 1 }, end: { line: 1, character: 1 } }, text: ' ' };
    assert.deepEqual(type(space).findings.map((f) => f.locks), [['a', 'b']]);
    // Only helper.c changes: what comes before and after it is merged once and kept.
    assert.deepEqual(type(space).findings.map((f) => f.locks), [['a', 'b']]);
    // helper() now takes `c`: caller.c's edge becomes a -> c, and the inversion goes.
    assert.deepEqual(type({ range: { start: { line: 2, character: 12 }, end: { line: 2, character: 13 } }, text: 'c' }).findings, []);
    assert.deepEqual(type(space).findings, []);
  });

  it('reuses nothing under other lock APIs', () => {
    const uri = 'file:///wrapped.c';
    const text = 'void f(struct dev *d)\n{\n\tdev_grab(d);\n\tdev_drop(d);\n}\n';
    const store = new DocumentStore();
    const doc = store.open(uri, 1, text);
    const reuse = new FunctionReuse();
    const tree = store.parse(doc);
    const plain = extractFile(uri, text, tree, DEFAULT_CATALOGUE, { reuse });
    const wrapped = catalogueFor({
      lockApis: [
        { name: 'dev_grab', kind: 'mutex', role: 'acquire' },
        { name: 'dev_drop', kind: 'mutex', role: 'release' },
      ],
    });
    const withApis = extractFile(uri, text, tree, wrapped, { reuse });
    assert.notDeepStrictEqual(withApis.functions[0].body, plain.functions[0].body);
    assert.deepStrictEqual(withApis, extractFile(uri, text, tree, wrapped));
  });
});
