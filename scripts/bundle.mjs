#!/usr/bin/env node
// Builds dist/, everything the VSIX ships besides the manifest and docs:
//   dist/client.js   the extension (client/src/extension.ts), bundled
//   dist/server.js   the language server (server/src/server.ts), bundled
//   dist/cli.js      the `lockorder` CLI (server/src/cli/main.ts), bundled
//   dist/extractWorker.js  the CLI's parse-and-extract worker thread, which parallelExtract.ts
//                    starts from the file beside it
//   dist/webview/    the lock-graph page, as built into out/webview by scripts/build-webview.mjs
//   dist/node_modules/{tree-sitter,tree-sitter-c,node-gyp-build}/
//                    the native parser: only the files loaded at run time, with the N-API
//                    prebuilds for every platform the VSIX may be installed on (on a linux-x64
//                    host, linux-x64's is rebuilt: see portableLinuxBinding)
//   dist/tree_records.node  the addon that parses and copies trees in one call, for the host's
//                    platform, where scripts/build-native.mjs built it (parser.ts loads it when it
//                    loads, and copies trees through the binding elsewhere)
// The bundles keep `vscode` (provided by VS Code) and the native packages (which cannot be
// bundled) external; Node resolves the latter from dist/node_modules/.
//
// An input that does not exist yet is skipped with a warning, so that packaging can be tried
// while parts of the extension are still being written.
import { build } from 'esbuild';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findNodeGyp, nodeGypRebuild } from './node-gyp.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = join(root, 'dist');

const bundles = {
  client: 'client/src/extension.ts',
  server: 'server/src/server.ts',
  cli: 'server/src/cli/main.ts',
  extractWorker: 'server/src/workspace/extractWorker.ts',
};

/** The platforms the prebuilds cover: VS Code's desktop targets, less linux-armhf and Alpine. */
const platforms = ['linux-x64', 'linux-arm64', 'darwin-x64', 'darwin-arm64', 'win32-x64', 'win32-arm64'];

/** Per native package: the files it needs at run time, besides prebuilds/<platform>/<binary>. */
const nativePackages = {
  'tree-sitter': { files: ['package.json', 'LICENSE', 'index.js'], binary: 'tree-sitter.node' },
  'tree-sitter-c': { files: ['package.json', 'LICENSE', 'bindings/node/index.js'], binary: 'tree-sitter-c.node' },
  // Both bindings locate their prebuild with it.
  'node-gyp-build': { files: ['package.json', 'LICENSE', 'index.js', 'node-gyp-build.js'] },
};

function warn(message) {
  console.warn(`bundle: warning: ${message}`);
}

async function bundleEntryPoints() {
  const entryPoints = {};
  for (const [name, source] of Object.entries(bundles)) {
    if (existsSync(join(root, source))) entryPoints[name] = join(root, source);
    else warn(`${source} does not exist yet; dist/${name}.js skipped`);
  }
  if (Object.keys(entryPoints).length === 0) return;
  await build({
    entryPoints,
    outdir: dist,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    // The tree-records addon (a .node file) is copied beside the bundles, which load it from there.
    external: ['vscode', ...Object.keys(nativePackages), '*.node'],
    // Not minified: stack traces in bug reports stay readable, and the VSIX is dominated by the
    // native prebuilds anyway. No source maps: they are not shipped.
    sourcemap: false,
    logLevel: 'warning',
  });
}

function copyWebview() {
  const built = join(root, 'out/webview');
  if (!existsSync(built)) {
    warn('out/webview does not exist yet (scripts/build-webview.mjs builds it); dist/webview skipped');
    return;
  }
  for (const name of readdirSync(built)) {
    if (name.endsWith('.map')) continue;
    cpSync(join(built, name), join(dist, 'webview', name), { recursive: true });
  }
}

function copyNativePackages() {
  const require = createRequire(join(root, 'package.json'));
  for (const [name, { files, binary }] of Object.entries(nativePackages)) {
    const from = dirname(require.resolve(`${name}/package.json`));
    const to = join(dist, 'node_modules', name);
    const wanted = [...files, ...(binary ? platforms.map((platform) => `prebuilds/${platform}/${binary}`) : [])];
    for (const file of wanted) {
      if (!existsSync(join(from, file))) {
        throw new Error(`${relative(root, join(from, file))} is missing: the VSIX would not load on every platform`);
      }
      mkdirSync(dirname(join(to, file)), { recursive: true });
      cpSync(join(from, file), join(to, file));
    }
  }
  const rebuilt = portableLinuxBinding(dirname(require.resolve('tree-sitter/package.json')));
  if (rebuilt) cpSync(rebuilt, join(dist, 'node_modules/tree-sitter/prebuilds/linux-x64/tree-sitter.node'));
}

/**
 * tree-sitter 0.25.1's Linux prebuilds were linked against GCC 13's libstdc++ (they need
 * GLIBCXX_3.4.31, for one std::string helper), so they fail to load on Debian 12, Ubuntu 22.04 and
 * RHEL 9. tree-sitter-c's need only GLIBCXX_3.4.21. On a linux-x64 host, the binding is compiled
 * from the package's own sources with the host's toolchain (on Debian 12: GLIBCXX_3.4.29, glibc
 * 2.17) to replace linux-x64's prebuild. linux-arm64 keeps upstream's, with a warning.
 * Returns the compiled file (cached in out/native/), or undefined where it cannot be built.
 */
function portableLinuxBinding(packageDir) {
  warn('linux-arm64: tree-sitter\'s upstream prebuild needs libstdc++ from GCC 13 (GLIBCXX_3.4.31)');
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    warn('not on linux-x64: shipping tree-sitter\'s upstream linux-x64 prebuild (needs GLIBCXX_3.4.31)');
    return undefined;
  }
  const { version } = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'));
  const cached = join(root, 'out/native', `tree-sitter-${version}-linux-x64.node`);
  if (existsSync(cached)) return cached;

  const nodeGyp = findNodeGyp();
  if (!nodeGyp) {
    warn('node-gyp not found next to npm: shipping tree-sitter\'s upstream linux-x64 prebuild');
    return undefined;
  }
  console.log(`bundle: compiling tree-sitter ${version} for linux-x64 (about a minute, once)`);
  const work = mkdtempSync(join(tmpdir(), 'lockorder-tree-sitter-'));
  try {
    for (const part of ['package.json', 'binding.gyp', 'src', 'vendor/tree-sitter/lib']) {
      cpSync(join(packageDir, part), join(work, part), { recursive: true });
    }
    // binding.gyp asks node for node-addon-api's location.
    const addonApi = dirname(createRequire(join(packageDir, 'package.json')).resolve('node-addon-api/package.json'));
    mkdirSync(join(work, 'node_modules'));
    symlinkSync(addonApi, join(work, 'node_modules/node-addon-api'));
    const failure = nodeGypRebuild(nodeGyp, work);
    if (failure !== undefined) {
      warn(`compiling tree-sitter failed, shipping the upstream prebuild:\n${failure}`);
      return undefined;
    }
    mkdirSync(dirname(cached), { recursive: true });
    cpSync(join(work, 'build/Release/tree_sitter_runtime_binding.node'), cached);
    return cached;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function copyTreeRecordsAddon() {
  const built = join(root, 'native/build/Release/tree_records.node');
  if (!existsSync(built)) {
    warn('native/build/Release/tree_records.node is not built (scripts/build-native.mjs): the bundle copies trees through the binding');
    return;
  }
  cpSync(built, join(dist, 'tree_records.node'));
}

export async function bundle() {
  rmSync(dist, { recursive: true, force: true });
  mkdirSync(dist);
  await bundleEntryPoints();
  copyWebview();
  copyNativePackages();
  copyTreeRecordsAddon();
  return dist;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await bundle();
  console.log(`bundle: ${relative(process.cwd(), dist) || '.'} is ready`);
}
