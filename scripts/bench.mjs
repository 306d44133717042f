#!/usr/bin/env node
// Engine benchmark on real kernel code: runs the `lockorder` CLI on trees of Linux 6.1 (Debian's
// linux-source-6.1, installed if missing, extracted at run time into a cache — never committed) and
// prints, per tree: files, MB, wall time, MB/s, peak RSS, findings by code, and the single-core
// parse-only time of the same files in the same run, with the ratio of the two.
//
//   node scripts/bench.mjs                 kernel/, drivers/net/ethernet/intel/, fs/
//   node scripts/bench.mjs --full          … and the whole source tree
//   node scripts/bench.mjs --trees fs,mm   chosen trees
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';

const repo = resolve(import.meta.dirname, '..');
const tarball = '/usr/src/linux-source-6.1.tar.xz';
const top = 'linux-source-6.1';
const cache = process.env.LOCKORDER_KERNEL_CACHE ?? join(homedir(), '.cache', 'lockorder', 'kernel');

const args = process.argv.slice(2);
const treesArg = args.includes('--trees') ? args[args.indexOf('--trees') + 1] : null;
const trees = treesArg ? treesArg.split(',') : ['kernel', 'drivers/net/ethernet/intel', 'fs'];
if (args.includes('--full')) trees.push('.');

function ensureSource() {
  if (existsSync(tarball)) return;
  console.error(`bench: ${tarball} is missing; installing Debian's linux-source-6.1`);
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
  execFileSync('apt-get', ['install', '-y', '-qq', 'linux-source-6.1'], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
}

function extract(tree) {
  const dir = join(cache, top, tree);
  const stamp = join(cache, `.extracted-${tree.replace(/[/.]/g, '_') || 'all'}`);
  if (existsSync(stamp)) return dir;
  mkdirSync(cache, { recursive: true });
  const member = tree === '.' ? top : `${top}/${tree}`;
  console.error(`bench: extracting ${member} …`);
  execFileSync('tar', ['-xJf', tarball, '-C', cache, member], { stdio: 'inherit' });
  execFileSync('touch', [stamp]);
  return dir;
}

function sourceFiles(dir, out = []) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) sourceFiles(path, out);
    else if (entry.isFile() && /\.[ch]$/.test(entry.name)) out.push(path);
  }
  return out;
}

/** Runs a script in a fresh Node process and returns what it printed as JSON on its last line. */
function child(script, argv, nodeFlags = []) {
  const run = spawnSync(process.execPath, [...nodeFlags, '--input-type=module', '-e', script, '--', ...argv], {
    cwd: repo,
    encoding: 'utf8',
    maxBuffer: 1 << 30,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const last = run.stdout.trim().split('\n').pop();
  try {
    return JSON.parse(last);
  } catch {
    throw new Error(`bench child failed (${run.status}): ${run.stderr.slice(-2000)}`);
  }
}

// The CLI in-process, so that peak RSS covers its worker threads too, with the Node flags
// bin/lockorder.js gives it: with Node's default heap limit V8 collects more eagerly, and fs/ takes
// 1-2 s longer.
const cliFlags = createRequire(import.meta.url)('../bin/nodeFlags.js').cliNodeFlags();
const analyseScript = `
import { createRequire } from 'node:module';
const require = createRequire(process.cwd() + '/');
const { main } = require('./out/server/src/cli/main.js');
const { nativeTreesAvailable } = require('./out/server/src/analysis/parser.js');
const dir = process.argv[process.argv.length - 1];
let out = '';
const sink = { write: (s) => { out += s; return true; }, isTTY: false };
const quiet = { write: () => true, isTTY: false };
const start = performance.now();
const status = await main(['--format', 'json', '--fail-on', 'never', dir], { cwd: process.cwd(), env: {}, stdout: sink, stderr: quiet });
const wallMs = performance.now() - start;
const report = JSON.parse(out);
const byCode = {};
for (const f of report.findings) { const key = f.code + (f.severity === 'information' ? ' (info)' : ''); byCode[key] = (byCode[key] ?? 0) + 1; }
console.log(JSON.stringify({ status, wallMs, maxRssMB: process.resourceUsage().maxRSS / 1024, byCode, edges: report.graph.edges.length, cycles: report.graph.cycles.length, nativeTrees: nativeTreesAvailable() }));
`;

// Parse-only, one core: the same files parsed by tree-sitter through its Node binding, nothing else
// (the analysis parses with the same tree-sitter library and C grammar, natively where the addon is built).
const parseScript = `
import { createRequire } from 'node:module';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
const require = createRequire(process.cwd() + '/');
const { parseC } = require('./out/server/src/analysis/parser.js');
const dir = process.argv[process.argv.length - 1];
const files = [];
const walk = (d) => { for (const e of readdirSync(d, { withFileTypes: true })) { const p = join(d, e.name); if (e.isDirectory()) walk(p); else if (e.isFile() && /\\.[ch]$/.test(e.name)) files.push(p); } };
walk(dir);
const texts = files.map((f) => readFileSync(f, 'utf8'));
const start = performance.now();
for (const t of texts) parseC(t);
console.log(JSON.stringify({ parseMs: performance.now() - start }));
`;

ensureSource();
if (!existsSync(join(repo, 'out/server/src/cli/main.js'))) {
  console.error('bench: build first (npm run build)');
  process.exit(2);
}
console.log(`lockorder engine benchmark — ${new Date().toISOString()}, node ${process.version}`);
for (const tree of trees) {
  const dir = extract(tree);
  const files = sourceFiles(dir);
  const bytes = files.reduce((sum, f) => sum + statSync(f).size, 0);
  const mb = bytes / 1e6;
  const parse = child(parseScript, [dir]);
  const run = child(analyseScript, [dir], cliFlags);
  const seconds = run.wallMs / 1000;
  console.log(`\n${tree === '.' ? 'whole tree' : tree + '/'}`);
  console.log(`  files            ${files.length}`);
  console.log(`  size             ${mb.toFixed(1)} MB`);
  console.log(`  analysis wall    ${seconds.toFixed(1)} s  (${(mb / seconds).toFixed(1)} MB/s)`);
  console.log(`  parse-only       ${(parse.parseMs / 1000).toFixed(1)} s on one core  →  ratio ${(run.wallMs / parse.parseMs).toFixed(2)}`);
  console.log(`  trees            ${run.nativeTrees ? 'parsed and copied by the tree-records addon' : 'copied through the tree-sitter binding (addon not built)'}`);
  console.log(`  peak RSS         ${Math.round(run.maxRssMB)} MB`);
  console.log(`  graph            ${run.edges} edges, ${run.cycles} cycles reported`);
  console.log(`  findings         ${Object.entries(run.byCode).sort().map(([c, n]) => `${c}: ${n}`).join(', ') || 'none'}`);
}
