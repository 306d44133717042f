// What the VSIX contains, as vsce itself lists it (offline), and whether what it ships can run:
// the bundles, the webview, the grammars, the docs, and the native parser for all six platforms;
// no sources, tests or maps; under a size limit. Needs dist/ (node scripts/bundle.mjs).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';

/** Compressed size the VSIX must stay under. It measured 2.39 MB (38 files) with the client and
 * server of 22 Nov; the 12 native prebuilds (7.4 MB raw, about 2 MB compressed) are most of it. */
const maxVsixBytes = 4 * 1024 * 1024;

const platforms = ['linux-x64', 'linux-arm64', 'darwin-x64', 'darwin-arm64', 'win32-x64', 'win32-arm64'];
const nativeBinaries = { 'tree-sitter': 'tree-sitter.node', 'tree-sitter-c': 'tree-sitter-c.node' };

function findRepoRoot(): string {
  for (let dir = __dirname; path.dirname(dir) !== dir; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).name === 'lockorder') return dir;
  }
  throw new Error(`no lockorder package.json above ${__dirname}`);
}

const root = findRepoRoot();
const dist = path.join(root, 'dist');
const skip = existsSync(dist) ? false : 'dist/ is not built (node scripts/bundle.mjs)';

/** A kernel-style C file whose function takes two spinlocks in the given order. */
function writeC(dir: string, file: string, fn: string, [outer, inner]: string[]): void {
  mkdirSync(dir, { recursive: true });
  const text = [
    '#include <linux/spinlock.h>',
    'extern spinlock_t a_lock, b_lock;',
    `void ${fn}(void)`,
    '{',
    `\tspin_lock(&${outer});`,
    `\tspin_lock(&${inner});`,
    `\tspin_unlock(&${inner});`,
    `\tspin_unlock(&${outer});`,
    '}',
    '',
  ].join('\n');
  writeFileSync(path.join(dir, file), text);
}

function vsce(args: string[]): string {
  const cli = path.join(root, 'node_modules/@vscode/vsce/vsce');
  const result = spawnSync(process.execPath, [cli, ...args], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  assert.equal(result.status, 0, `vsce ${args.join(' ')} failed:\n${result.stdout}${result.stderr}`);
  return result.stdout;
}

describe('the VSIX', { skip }, () => {
  let files: string[] | undefined;
  const listed = () => (files ??= vsce(['ls', '--no-dependencies']).split('\n').filter(Boolean));

  it('ships the bundles, the manifest entry point, the webview, the grammars and the docs', () => {
    const shipped = new Set(listed());
    for (const required of [
      'package.json',
      'README.md',
      'LICENSE',
      'CHANGELOG.md',
      'dist/client.js',
      'dist/server.js',
      'dist/cli.js',
      'dist/extractWorker.js',
      'dist/webview/graph.js',
      'dist/webview/graph.css',
    ]) {
      assert.ok(shipped.has(required), `${required} is not in the VSIX`);
    }
    const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
    assert.ok(shipped.has(path.posix.normalize(manifest.main)), `main (${manifest.main}) is not in the VSIX`);
    if (manifest.icon) assert.ok(shipped.has(manifest.icon), `icon (${manifest.icon}) is not in the VSIX`);
    assert.ok([...shipped].some((file) => file.startsWith('syntaxes/')), 'no grammar under syntaxes/');
  });

  it('ships both native packages with prebuilds for linux, darwin and win32 on x64 and arm64', () => {
    const shipped = new Set(listed());
    for (const [pkg, binary] of Object.entries(nativeBinaries)) {
      for (const platform of platforms) {
        const prebuild = `dist/node_modules/${pkg}/prebuilds/${platform}/${binary}`;
        assert.ok(shipped.has(prebuild), `${prebuild} is not in the VSIX`);
      }
    }
  });

  it('ships the tree-records addon built on this host (linux-x64), which the bundles load from beside them', (t) => {
    if (process.platform !== 'linux' || process.arch !== 'x64') return t.skip('the addon is built on linux-x64');
    assert.ok(new Set(listed()).has('dist/tree_records.node'), 'dist/tree_records.node is not in the VSIX');
  });

  it('ships no sources, tests, maps, grammar sources or stray node_modules', () => {
    const unwanted = listed().filter(
      (file) =>
        /(^|\/)(src|test|tests)\//.test(file) ||
        /\.(ts|map|c|cc|h|gyp)$/.test(file) ||
        /(^|\/)grammar\.js$/.test(file) ||
        (file.includes('node_modules/') && !file.startsWith('dist/node_modules/')),
    );
    assert.deepEqual(unwanted, []);
  });

  it('loads the shipped parser on this platform, away from the repository node_modules', () => {
    const isolated = mkdtempSync(path.join(tmpdir(), 'lockorder-vsix-'));
    try {
      cpSync(path.join(dist, 'node_modules'), path.join(isolated, 'node_modules'), { recursive: true });
      const parse = [
        "const Parser = require('tree-sitter');",
        "const parser = new Parser(); parser.setLanguage(require('tree-sitter-c'));",
        "process.stdout.write(parser.parse('void f(void) { spin_lock(&a); }').rootNode.toString());",
      ].join('\n');
      const result = spawnSync(process.execPath, ['-e', parse], { cwd: isolated, encoding: 'utf8' });
      assert.equal(result.status, 0, result.stderr);
      assert.match(result.stdout, /^\(translation_unit \(function_definition .*\(call_expression function: \(identifier\)/);
    } finally {
      rmSync(isolated, { recursive: true, force: true });
    }
  });

  it('runs the bundled CLI with worker threads from a VSIX-shaped copy, away from the repository', () => {
    const installed = mkdtempSync(path.join(tmpdir(), 'lockorder-vsix-'));
    try {
      cpSync(path.join(root, 'package.json'), path.join(installed, 'package.json'));
      cpSync(dist, path.join(installed, 'dist'), { recursive: true });
      // Enough files for the CLI to extract them on worker threads: 32 take a then b, one b then a.
      const sources = path.join(installed, 'src');
      for (let i = 0; i < 32; i++) writeC(sources, `forward${i}.c`, `forward${i}`, ['a_lock', 'b_lock']);
      writeC(sources, 'backward.c', 'backward', ['b_lock', 'a_lock']);
      const launcher = path.join(installed, 'lockorder.js');
      writeFileSync(launcher, "require('./dist/cli.js').runFromProcess();\n");

      const result = spawnSync(process.execPath, [launcher, '--jobs', '2', '--format', 'json', 'src'], { cwd: installed, encoding: 'utf8' });
      assert.equal(result.error, undefined);
      const report = JSON.parse(result.stdout) as { findings: { code: string; file: string }[] };
      const inversions = report.findings.filter((finding) => finding.code === 'lock-order-inversion');
      assert.ok(inversions.some((finding) => finding.file.endsWith('backward.c')), `no inversion reported in backward.c:\n${result.stdout}${result.stderr}`);
      assert.match(result.stderr, /\b33 files\b/);
      assert.doesNotMatch(result.stderr, /skipped/i);
    } finally {
      rmSync(installed, { recursive: true, force: true });
    }
  });

  it(`packages into a VSIX under ${maxVsixBytes / 1024 / 1024} MiB`, () => {
    const scratch = mkdtempSync(path.join(tmpdir(), 'lockorder-vsix-'));
    try {
      const vsix = path.join(scratch, 'lockorder.vsix');
      vsce(['package', '--no-dependencies', '--out', vsix]);
      const size = statSync(vsix).size;
      assert.ok(size < maxVsixBytes, `the VSIX is ${(size / 1024 / 1024).toFixed(2)} MiB`);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });
});
