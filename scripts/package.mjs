#!/usr/bin/env node
// Packages the extension as a VSIX: builds dist/ (scripts/bundle.mjs), then runs `vsce package`
// offline. `--no-dependencies` keeps vsce away from node_modules/: the only run-time packages, the
// native parser's, are already copied into dist/node_modules/ with just their run-time files.
// What goes in is decided by .vscodeignore (deny all, then allow).
//
//   node scripts/package.mjs [--out <file.vsix>]
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { bundle } from './bundle.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const { values: options } = parseArgs({
  options: { out: { type: 'string', default: join(root, `${manifest.name}-${manifest.version}.vsix`) } },
});

/** Runs the vsce CLI from node_modules with the given arguments; returns its exit status. */
function vsce(args, spawnOptions = {}) {
  const require = createRequire(join(root, 'package.json'));
  const cli = join(dirname(require.resolve('@vscode/vsce/package.json')), 'vsce');
  // stdin closed: a question from vsce (e.g. about a missing field) fails instead of waiting.
  const result = spawnSync(process.execPath, [cli, ...args], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'], ...spawnOptions });
  return result.status ?? 1;
}

await bundle();
const out = resolve(options.out);
const status = vsce(['package', '--no-dependencies', '--out', out]);
if (status !== 0) process.exit(status);
console.log(`package: ${relative(process.cwd(), out)}, ${(statSync(out).size / 1024).toFixed(0)} KiB`);
