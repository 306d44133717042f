#!/usr/bin/env node
// Builds native/build/Release/tree_records.node, the addon that parses C and hands the tree to
// JavaScript in one call (see native/tree_records.c). It is optional: where it cannot be built, the
// engine copies trees through the tree-sitter binding instead, which gives the same trees more
// slowly, so a failure here is a warning. Skipped while the addon is newer than its sources.
import { existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findNodeGyp, nodeGypRebuild } from './node-gyp.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const native = join(root, 'native');
const addon = join(native, 'build/Release/tree_records.node');

function warn(message) {
  console.warn(`build-native: warning: ${message}; trees will be copied through the tree-sitter binding`);
}

/** What the addon is compiled from: our source, its build file, and the two packages' versions. */
function sources() {
  const require = createRequire(join(root, 'package.json'));
  return [join(native, 'tree_records.c'), join(native, 'binding.gyp'), require.resolve('tree-sitter/package.json'), require.resolve('tree-sitter-c/package.json')];
}

function upToDate() {
  if (!existsSync(addon)) return false;
  const built = statSync(addon).mtimeMs;
  return sources().every((file) => statSync(file).mtimeMs <= built);
}

if (!upToDate()) {
  const nodeGyp = findNodeGyp();
  if (!nodeGyp) warn('node-gyp was not found next to npm');
  else {
    const failure = nodeGypRebuild(nodeGyp, native);
    if (failure !== undefined) warn(`compiling ${relative(root, native)} failed:\n${failure}`);
  }
}
