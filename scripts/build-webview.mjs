#!/usr/bin/env node
// Bundles the lock-graph page (webview/src/main.ts + Cytoscape) into out/webview/graph.js, one
// minified IIFE without source maps, and copies webview/graph.css beside it. The VS Code panel
// loads both files; the CLI's HTML report inlines them (server/src/report/htmlReport.ts).
// Tests import bundleWebview() to get the same assets in memory.
import { build } from 'esbuild';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/** @returns {Promise<{ script: string, css: string }>} */
export async function bundleWebview() {
  const result = await build({
    entryPoints: [join(root, 'webview/src/main.ts')],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    sourcemap: false,
    write: false,
    logLevel: 'warning',
  });
  const script = result.outputFiles[0].text;
  const css = await readFile(join(root, 'webview/graph.css'), 'utf8');
  return { script, css };
}

export async function buildWebview(outDir = join(root, 'out/webview')) {
  const { script, css } = await bundleWebview();
  await mkdir(outDir, { recursive: true });
  await writeFile(join(outDir, 'graph.js'), script);
  await writeFile(join(outDir, 'graph.css'), css);
  return { outDir, bytes: script.length };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { outDir, bytes } = await buildWebview();
  console.log(`build-webview: ${join(outDir, 'graph.js')} (${Math.round(bytes / 1024)} KiB) and graph.css`);
}
