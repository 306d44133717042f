import { strict as assert } from 'node:assert';
import { before, describe, it } from 'node:test';
import type { IGrammar } from 'vscode-textmate';
import { grammarFile, loadGrammar, Tokenized } from './textmate';

/**
 * The C grammar ships with VS Code, not npm: this stand-in has just what the injection needs,
 * comments scoped like the real one, plus a keyword and strings to show nothing leaks out.
 */
const STAND_IN_C = JSON.stringify({
  scopeName: 'source.c',
  patterns: [
    { begin: '/\\*', end: '\\*/', name: 'comment.block.c' },
    { begin: '//', end: '$', name: 'comment.line.double-slash.c' },
    { begin: '"', end: '"', name: 'string.quoted.double.c' },
    { match: '\\b(?:void|int|struct)\\b', name: 'storage.type.c' },
  ],
});

const INJECTION = 'lockorder.annotation.injection';

describe('lockorder annotation injection', () => {
  let c: IGrammar;
  let cpp: IGrammar;
  before(async () => {
    const grammars = {
      'source.c': { path: 'stand-in-c.json', json: STAND_IN_C },
      'source.cpp': { path: 'stand-in-cpp.json', json: STAND_IN_C.replace('"source.c"', '"source.cpp"') },
      [INJECTION]: grammarFile('syntaxes/lockorder-annotation.injection.tmLanguage.json'),
    };
    // What package.json's `injectTo: ["source.c", "source.cpp"]` asks VS Code to do.
    const injections = { 'source.c': [INJECTION], 'source.cpp': [INJECTION] };
    c = await loadGrammar('source.c', grammars, injections);
    cpp = await loadGrammar('source.cpp', grammars, injections);
  });

  it('declares its scope, selector and targets', () => {
    const json = JSON.parse(grammarFile('syntaxes/lockorder-annotation.injection.tmLanguage.json').json);
    assert.equal(json.scopeName, INJECTION);
    assert.equal(json.injectionSelector, 'L:comment');
  });

  it('highlights the keyword, each lock and each arrow in a block comment', () => {
    const t = new Tokenized(c, '/* lockorder: snd_port.lock -> foo_dev.lock -> lock1 */');
    t.expect(0, 'lockorder', 'keyword.other.annotation.lockorder');
    t.expect(0, ':', 'punctuation.separator.annotation.lockorder');
    t.expect(0, 'snd_port.lock', 'variable.other.lock.lockorder');
    t.expect(0, '->', 'keyword.operator.arrow.lockorder', 'snd_port.lock');
    t.expect(0, 'foo_dev.lock', 'variable.other.lock.lockorder');
    t.expect(0, '->', 'keyword.operator.arrow.lockorder', 'foo_dev.lock');
    t.expect(0, 'lock1', 'variable.other.lock.lockorder');
    t.expect(0, '*/', 'comment.block.c');
    for (const token of t.tokens[0]) assert.ok(token.scopes.includes('comment.block.c'), JSON.stringify(token));
  });

  it('stops lock names at the end of the comment even without a space', () => {
    const t = new Tokenized(c, '/* lockorder: a->b*/ int x;');
    t.expect(0, 'a', 'variable.other.lock.lockorder');
    t.expect(0, '->', 'keyword.operator.arrow.lockorder');
    t.expect(0, 'b', 'variable.other.lock.lockorder');
    t.expect(0, '*/', 'comment.block.c');
    t.expect(0, 'int', 'storage.type.c');
  });

  it('works on the lines of a multi-line comment and in line comments', () => {
    const t = new Tokenized(c, ['/*', ' * Locking:', ' * lockorder: foo_dev.lock -> snd_port.lock', ' */', '// lockorder: outer -> inner'].join('\n'));
    t.expect(2, 'lockorder', 'keyword.other.annotation.lockorder');
    t.expect(2, 'foo_dev.lock', 'variable.other.lock.lockorder');
    t.expect(2, '->', 'keyword.operator.arrow.lockorder');
    t.expect(2, 'snd_port.lock', 'variable.other.lock.lockorder');
    t.expect(4, 'outer', 'variable.other.lock.lockorder');
    t.expect(4, 'inner', 'variable.other.lock.lockorder');
    assert.ok(t.token(4, 'inner').scopes.includes('comment.line.double-slash.c'));
  });

  it('highlights lockorder-ignore with and without finding codes', () => {
    const t = new Tokenized(c, ['x(); // lockorder-ignore', 'y(); /* lockorder-ignore: double-lock, lock-order-inversion */'].join('\n'));
    t.expect(0, 'lockorder-ignore', 'keyword.other.annotation.lockorder');
    t.expect(1, 'lockorder-ignore', 'keyword.other.annotation.lockorder');
    t.expect(1, 'double-lock', 'constant.other.finding-code.lockorder');
    t.expect(1, ',', 'punctuation.separator.comma.lockorder');
    t.expect(1, 'lock-order-inversion', 'constant.other.finding-code.lockorder');
  });

  it('leaves code and strings alone, and words that only contain the keyword', () => {
    const t = new Tokenized(c, 'int lockorder; "lockorder: a -> b" /* mylockorder: a -> b */');
    assert.ok(t.tokens[0].every((tok) => tok.scopes.every((s) => !s.endsWith('.lockorder'))), JSON.stringify(t.tokens[0]));
  });

  it('is injected into C++ too', () => {
    const t = new Tokenized(cpp, '// lockorder: a -> b');
    t.expect(0, 'lockorder', 'keyword.other.annotation.lockorder');
    assert.ok(t.token(0, 'b').scopes.includes('source.cpp'));
  });
});
