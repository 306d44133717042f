/**
 * Real TextMate tokenization for grammar tests: vscode-textmate with the Oniguruma WASM build,
 * the same engine VS Code runs.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as oniguruma from 'vscode-oniguruma';
import * as vsctm from 'vscode-textmate';
import { repoRoot } from '../repoRoot';

export { repoRoot };


let onigLib: Promise<vsctm.IOnigLib> | undefined;

function loadOniguruma(): Promise<vsctm.IOnigLib> {
  onigLib ??= (async () => {
    const wasm = readFileSync(join(repoRoot(), 'node_modules', 'vscode-oniguruma', 'release', 'onig.wasm'));
    await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
    return {
      createOnigScanner: (sources: string[]) => new oniguruma.OnigScanner(sources),
      createOnigString: (text: string) => new oniguruma.OnigString(text),
    };
  })();
  return onigLib;
}

/** A grammar given as its JSON text, under the file name vscode-textmate reports errors with. */
export interface GrammarSource {
  path: string;
  json: string;
}

export function grammarFile(relativePath: string): GrammarSource {
  return { path: relativePath, json: readFileSync(join(repoRoot(), relativePath), 'utf8') };
}

/** Loads `scopeName` from `grammars`, with the injections each scope gets. */
export async function loadGrammar(
  scopeName: string,
  grammars: Record<string, GrammarSource>,
  injections: Record<string, string[]> = {},
): Promise<vsctm.IGrammar> {
  const registry = new vsctm.Registry({
    onigLib: loadOniguruma(),
    loadGrammar: async (scope) => {
      const source = grammars[scope];
      return source ? vsctm.parseRawGrammar(source.json, source.path) : null;
    },
    getInjections: (scope) => injections[scope],
  });
  const grammar = await registry.loadGrammar(scopeName);
  assert.ok(grammar, `grammar ${scopeName} did not load`);
  return grammar;
}

export interface Token {
  text: string;
  scopes: string[];
}

export class Tokenized {
  readonly lines: string[];
  readonly tokens: Token[][];

  constructor(grammar: vsctm.IGrammar, text: string) {
    this.lines = text.split(/\r?\n/);
    this.tokens = [];
    let state = vsctm.INITIAL;
    for (const line of this.lines) {
      const result = grammar.tokenizeLine(line, state);
      this.tokens.push(result.tokens.map((t) => ({ text: line.slice(t.startIndex, t.endIndex), scopes: t.scopes })));
      state = result.ruleStack;
    }
  }

  /**
   * The token that starts where `needle` starts on `line` (searching after `after`, when given).
   * It must cover exactly `needle`, so a test fails if the grammar splits or merges what it should not.
   */
  token(line: number, needle: string, after?: string): Token {
    const text = this.lines[line];
    let from = 0;
    if (after !== undefined) {
      const anchor = text.indexOf(after);
      assert.ok(anchor >= 0, `${JSON.stringify(after)} not found on line ${line}: ${text}`);
      from = anchor + after.length;
    }
    const at = text.indexOf(needle, from);
    assert.ok(at >= 0, `${JSON.stringify(needle)} not found on line ${line}: ${text}`);
    let start = 0;
    for (const token of this.tokens[line]) {
      if (start === at) {
        assert.equal(token.text, needle, `token at ${JSON.stringify(needle)} on line ${line}`);
        return token;
      }
      start += token.text.length;
    }
    assert.fail(`no token starts at ${JSON.stringify(needle)} on line ${line}: ${JSON.stringify(this.tokens[line])}`);
  }

  /** The line number of the only line containing `needle`. */
  lineOf(needle: string): number {
    const found = this.lines.flatMap((l, i) => (l.includes(needle) ? [i] : []));
    assert.equal(found.length, 1, `lines containing ${JSON.stringify(needle)}: ${found.join(', ')}`);
    return found[0];
  }

  /** Asserts that the token exactly covering `needle` on `line` has `scope` as its innermost scope. */
  expect(line: number, needle: string, scope: string, after?: string): void {
    const token = this.token(line, needle, after);
    assert.equal(token.scopes[token.scopes.length - 1], scope, `${JSON.stringify(needle)} on line ${line}: ${token.scopes.join(' ')}`);
  }
}
