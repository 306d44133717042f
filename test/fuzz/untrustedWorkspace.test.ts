/**
 * Lockorder declares that it runs in untrusted workspaces. That is honest only while it just reads
 * and analyses: nothing in the extension or the server may execute workspace content (or anything
 * else: no child processes, no eval, no code loaded from a computed path), and the language server
 * must not write files. These tests read the sources and list every offender with file and line.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { repoRoot } from '../analysis/engineHelpers';

const root = repoRoot();

function sourcesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(path.join(root, dir)).sort()) {
    const relative = `${dir}/${entry}`;
    if (statSync(path.join(root, relative)).isDirectory()) out.push(...sourcesUnder(relative));
    else if (/\.tsx?$/.test(entry)) out.push(relative);
  }
  return out;
}

/**
 * The source with comments blanked out (same length and lines, so matches keep their line numbers).
 * Strings and regex literals are stepped over, so that a glob or a pattern holding a slash and a
 * star is not taken for a comment, nor a quote inside a pattern for the start of a string.
 */
function withoutComments(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; ) {
    const c = text[i];
    const next = text[i + 1];
    if (c === '/' && (next === '/' || next === '*')) {
      const close = next === '/' ? text.indexOf('\n', i) : text.indexOf('*/', i + 2);
      const end = close === -1 ? text.length : next === '/' ? close : close + 2;
      out += text.slice(i, end).replace(/[^\n]/g, ' ');
      i = end;
    } else if (c === "'" || c === '"' || c === '`' || (c === '/' && /[(,=:[!&|?{};]\s*$|^\s*$/.test(out.slice(-40)))) {
      const end = literalEnd(text, i);
      out += text.slice(i, end);
      i = end;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/** Where the string or regex literal opening at `start` ends (just past its closing delimiter). */
function literalEnd(text: string, start: number): number {
  const delimiter = text[start];
  let inClass = false;
  for (let i = start + 1; i < text.length; i++) {
    const c = text[i];
    if (c === '\\') i++;
    else if (c === '\n' && delimiter !== '`') return i;
    else if (delimiter === '/' && (c === '[' || c === ']')) inClass = c === '[';
    else if (c === delimiter && !inClass) return i + 1;
  }
  return text.length;
}

/** `name:line: text` for every line of `text` matching any pattern, comments left out. */
function offendingLines(name: string, text: string, patterns: readonly RegExp[]): string[] {
  const original = text.split('\n');
  return withoutComments(text)
    .split('\n')
    .flatMap((line, i) => (patterns.some((p) => p.test(line)) ? [`${name}:${i + 1}: ${original[i].trim()}`] : []));
}

function offenders(files: readonly string[], patterns: readonly RegExp[]): string[] {
  return files.flatMap((file) => offendingLines(file, readFileSync(path.join(root, file), 'utf8'), patterns));
}

/** Ways to run code that is not the extension's own. */
const EXECUTION = [
  /\bfrom\s+['"](node:)?(child_process|vm)['"]/,
  /\b(require|import)\s*\(\s*['"](node:)?(child_process|vm)['"]/,
  /(^|[^.\w$])eval\s*\(/,
  /\bnew\s+Function\s*\(/,
  /(^|[^.\w$])Function\s*\(\s*['"`]/,
  // A module loaded from a computed path could be the workspace's (a method called `import` is not).
  /(^|[^.\w$])require\s*\(\s*[^'"\s)]/,
  /([=(,:?!&|]|\breturn|\bawait|\bvoid)\s*import\s*\(\s*[^'"\s)]/,
  // A worker thread started from a string of code.
  /\beval\s*:\s*true\b/,
  // Terminals and tasks run shell commands.
  /\b(createTerminal|sendText|ShellExecution|ProcessExecution)\b/,
];

/** fs calls that change the disk, through a namespace (`fs.writeFileSync(`) or a named import. */
const WRITING_CALLS = 'write\\w*|append\\w*|createWriteStream|mkdir\\w*|mkdtemp\\w*|rm\\w*|unlink\\w*|rename\\w*|copyFile\\w*|cp|cpSync|symlink\\w*|link\\w*|chmod\\w*|chown\\w*|truncate\\w*|utimes\\w*';
const WRITING = [
  new RegExp(`\\b(fs|fsp|promises)\\.(${WRITING_CALLS})\\s*\\(`),
  new RegExp(`\\bimport\\s*\\{[^}]*\\b(${WRITING_CALLS})\\b[^}]*\\}\\s*from\\s*['"](node:)?fs(/promises)?['"]`),
];

/** The language server's modules: server.ts and everything it imports, transitively. */
function serverModules(): string[] {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = withoutComments(readFileSync(path.join(root, file), 'utf8'));
    for (const [, spec] of text.matchAll(/(?:from\s+|require\(\s*|import\(\s*)['"](\.[^'"]+)['"]/g)) {
      const base = path.posix.join(path.posix.dirname(file), spec);
      const target = [`${base}.ts`, `${base}/index.ts`].find((candidate) => {
        try {
          return statSync(path.join(root, candidate)).isFile();
        } catch {
          return false;
        }
      });
      if (target) visit(target);
    }
  };
  visit('server/src/server.ts');
  return [...seen].sort();
}

describe('untrusted workspaces', () => {
  it('are declared supported in the manifest, and no setting names a program to run', () => {
    const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
    assert.equal(manifest.capabilities?.untrustedWorkspaces?.supported, true);
    const settings = Object.keys(manifest.contributes?.configuration?.properties ?? {});
    assert.ok(settings.length > 0);
    assert.deepEqual(settings.filter((key) => /path|command|executable|exec|shell|program|script/i.test(key)), []);
  });

  it('nothing in client/src or server/src executes code: no child_process, vm, eval, new Function, computed require', () => {
    const files = [...sourcesUnder('client/src'), ...sourcesUnder('server/src')];
    assert.ok(files.includes('server/src/server.ts') && files.includes('client/src/extension.ts'));
    assert.deepEqual(offenders(files, EXECUTION), []);
  });

  it('the language server writes no files (server.ts and every module it imports)', () => {
    const modules = serverModules();
    assert.ok(modules.includes('server/src/lsp/languageServer.ts') && modules.includes('server/src/lsp/engine/workspaceIndex.ts'), modules.join('\n'));
    assert.ok(!modules.includes('server/src/cli/main.ts'), 'the CLI (which writes --output) is not part of the server');
    assert.deepEqual(offenders(modules, WRITING), []);
  });

  it('the checks find what they look for, past globs and patterns, and not in comments', () => {
    // The CLI writes its --output file: the same check must see that.
    assert.equal(offenders(['server/src/cli/main.ts'], WRITING).length, 1);
    const sample = [
      "import { spawn } from 'node:child_process';",
      "const glob = '**/*.c'; const f = new Function('return 1');",
      'const quote = /[\'"`]/; require(workspaceFile);',
      '/* eval(x) */ new FunctionFlow(fn).run(); x.eval(); // eval(y)',
      "import Parser = require('tree-sitter');",
      "import { readFileSync, writeFileSync } from 'node:fs';",
      'const plugin = await import(pathToFileURL(file).href);',
      "vscode.window.createTerminal('build').sendText('make');",
      '  import(key: string, text: string): Report { return this.reports.import(key, text); }',
    ].join('\n');
    assert.deepEqual(offendingLines('sample.ts', sample, EXECUTION).map((l) => l.split(':')[1]), ['1', '2', '3', '7', '8']);
    assert.deepEqual(offendingLines('sample.ts', sample, WRITING).map((l) => l.split(':')[1]), ['6']);
  });
});
