/**
 * The lite copy of a syntax tree reads offsets only where it cannot derive them from children and
 * asks tokens for no children: it must still give every node the type, field and offsets the
 * binding gives it. The native copy (`parseAndCopy` with the tree-records addon) must give the same
 * nodes as the binding's.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { IDENTIFIER_TYPES, LiteNode, NAMED_LEAF_TYPES, SyntaxNode, liteTree, nativeTreesAvailable, parseAndCopy, parseC, type Pruning } from '../../server/src/analysis/parser';
import { fixture, repoRoot } from './engineHelpers';

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

  it('gives every node of every C fixture the binding’s type, field and offsets', () => {
    // Fields are taken from the grammar's node types where those say, so every shape of C the
    // fixtures hold is compared (binary expressions, declarators, macros the parser recovers from).
    const root = join(repoRoot(), 'test/fixtures');
    const files = (readdirSync(root, { recursive: true }) as string[]).filter((f) => /\.[ch]$/.test(f));
    assert.ok(files.length > 50, `only ${files.length} C fixtures found`);
    for (const file of files) {
      const text = readFileSync(join(root, file), 'utf8');
      const tree = parseC(text);
      assert.deepEqual(liteNodes(liteTree(tree, text), []), bindingNodes(tree.rootNode, null, []), file);
    }
  });

  it('copies a pruned node with its offsets and without its children', () => {
    const tree = parseC(SHAPES.text);
    const root = liteTree(tree, SHAPES.text, { types: new Set(['compound_statement']), test: () => true });
    const body = root.descendantsOfType('compound_statement')[0];
    assert.equal(body.children.length, 0);
    assert.match(body.text, /^\{\n\tif \(c == '\\n'\)[^]*\+ ;\n\}$/);
  });
});

/** Every C fixture, by its path under test/fixtures. */
function cFixtures(): { file: string; text: string }[] {
  const root = join(repoRoot(), 'test/fixtures');
  const files = (readdirSync(root, { recursive: true }) as string[]).filter((f) => /\.[ch]$/.test(f));
  assert.ok(files.length > 50, `only ${files.length} C fixtures found`);
  return files.map((file) => ({ file, text: readFileSync(join(root, file), 'utf8') }));
}

/** As `liteNodes`, with what the binding copy derives (named, missing) spelled out. */
function fullLiteNodes(node: LiteNode, out: string[]): string[] {
  out.push(`${node.type} ${node.field} ${node.isNamed} ${node.isMissing} ${node.startIndex}-${node.endIndex}`);
  for (const child of node.children) fullLiteNodes(child, out);
  return out;
}

function fullBindingNodes(node: SyntaxNode, field: string | null, out: string[]): string[] {
  out.push(`${node.type} ${field} ${node.isNamed} ${node.isMissing} ${node.startIndex}-${node.endIndex}`);
  for (let i = 0; i < node.childCount; i++) fullBindingNodes(node.child(i)!, node.fieldNameForChild(i) ?? null, out);
  return out;
}

describe('parseAndCopy', () => {
  it('parses natively where npm run build compiled the addon (linux-x64, with a C compiler)', (t) => {
    if (process.platform !== 'linux' || process.arch !== 'x64') return t.skip('the addon is built and checked on linux-x64');
    assert.ok(nativeTreesAvailable(), 'native/build/Release/tree_records.node did not load: see scripts/build-native.mjs');
  });

  it('gives every node of every C fixture the binding’s type, field, offsets, and named and missing marks', () => {
    let missing = 0;
    for (const { file, text } of cFixtures()) {
      const tree = parseC(text);
      const copied = parseAndCopy(text);
      const expected = fullBindingNodes(tree.rootNode, null, []);
      assert.deepEqual(fullLiteNodes(copied.root, []), expected, file);
      assert.equal(copied.hasErrors, tree.rootNode.hasError, file);
      missing += expected.filter((n) => n.split(' ')[3] === 'true').length;
    }
    assert.ok(missing > 0, 'the fixtures should hold tokens the parser inserted');
  });

  it('prunes as liteTree does: the same nodes asked, in the same order, and their subtrees left out', () => {
    for (const { file, text } of cFixtures()) {
      const asked: string[][] = [[], []];
      const pruning = (log: string[]): Pruning => ({
        types: new Set(['compound_statement', 'call_expression', 'ERROR']),
        test: (node) => {
          log.push(`${node.type} ${node.startIndex}-${node.endIndex}`);
          return node.text.length % 2 === 0;
        },
      });
      const bound = liteTree(parseC(text), text, pruning(asked[0]));
      const copied = parseAndCopy(text, pruning(asked[1]));
      assert.deepEqual(asked[1], asked[0], file);
      assert.deepEqual(fullLiteNodes(copied.root, []), fullLiteNodes(bound, []), file);
    }
  });

  it('gives the CLI the same findings as the binding’s copy', () => {
    // LOCKORDER_NATIVE_TREES=0 makes the engine copy trees through the binding.
    const run = (native: string) =>
      spawnSync(process.execPath, [join(repoRoot(), 'bin/lockorder.js'), '--format', 'json', '--fail-on', 'never', join(repoRoot(), 'test/fixtures/engine')], {
        encoding: 'utf8',
        env: { ...process.env, LOCKORDER_NATIVE_TREES: native },
      });
    const viaAddon = run('1');
    const viaBinding = run('0');
    assert.equal(viaAddon.status, 0, viaAddon.stderr);
    assert.ok((JSON.parse(viaAddon.stdout) as { findings: unknown[] }).findings.length > 10);
    assert.equal(viaAddon.stdout, viaBinding.stdout);
  });
});

describe('NAMED_LEAF_TYPES', () => {
  it('holds only tokens of the C grammar, or names tokens are given', () => {
    const grammar = JSON.parse(readFileSync(join(repoRoot(), 'node_modules/tree-sitter-c/src/grammar.json'), 'utf8')) as {
      rules: Record<string, GrammarRule>;
    };
    const isToken = (rule: GrammarRule): boolean =>
      ['TOKEN', 'IMMEDIATE_TOKEN', 'PATTERN', 'STRING'].includes(rule.type) || (rule.type.startsWith('PREC') && isToken(rule.content!));
    const tokens = new Set(Object.entries(grammar.rules).filter(([, rule]) => isToken(rule)).map(([name]) => name));
    const aliases = new Map<string, GrammarRule[]>();
    const collect = (rule: unknown): void => {
      if (!rule || typeof rule !== 'object') return;
      const r = rule as GrammarRule;
      if (r.type === 'ALIAS' && r.named) aliases.set(r.value!, [...(aliases.get(r.value!) ?? []), r.content!]);
      for (const value of Object.values(r)) collect(value);
    };
    collect(grammar.rules);
    for (const type of NAMED_LEAF_TYPES) {
      const rule = grammar.rules[type];
      if (rule) assert.ok(isToken(rule), `${type} is not a token`);
      for (const content of aliases.get(type) ?? []) {
        assert.ok(content.type === 'SYMBOL' ? tokens.has(content.name!) : isToken(content), `${type} aliases a non-token`);
      }
      assert.ok(rule || aliases.has(type), `${type} is not in the grammar`);
    }
  });
});

describe('IDENTIFIER_TYPES', () => {
  it('holds the identifier and only names the grammar gives the identifier itself', () => {
    // The copy finds where these end by the identifier's characters, so each must be the identifier.
    const grammar = JSON.parse(readFileSync(join(repoRoot(), 'node_modules/tree-sitter-c/src/grammar.json'), 'utf8')) as {
      rules: Record<string, GrammarRule>;
    };
    const aliased = new Map<string, GrammarRule[]>();
    const collect = (rule: unknown): void => {
      if (!rule || typeof rule !== 'object') return;
      const r = rule as GrammarRule;
      if (r.type === 'ALIAS' && r.named) aliased.set(r.value!, [...(aliased.get(r.value!) ?? []), r.content!]);
      for (const value of Object.values(r)) collect(value);
    };
    collect(grammar.rules);
    assert.ok(IDENTIFIER_TYPES.has('identifier'));
    for (const type of IDENTIFIER_TYPES) {
      if (type === 'identifier') continue;
      assert.equal(grammar.rules[type], undefined, `${type} is a rule of its own`);
      const contents = aliased.get(type) ?? [];
      assert.ok(contents.length > 0, `${type} is not in the grammar`);
      for (const content of contents) assert.deepEqual([content.type, content.name], ['SYMBOL', 'identifier'], `${type} aliases something else`);
    }
  });
});

interface GrammarRule {
  type: string;
  name?: string;
  value?: string;
  named?: boolean;
  content?: GrammarRule;
}
