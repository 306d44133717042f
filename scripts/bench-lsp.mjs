#!/usr/bin/env node
// Language-server latency, measured the way an editor sees it (JSON-RPC over stdio to the built
// server, out/server/src/server.js):
//   - cold start: spawn → first diagnostics for the opened file, and → workspace index done;
//   - keystroke → diagnostics: a 5,000-line file in a workspace of 2,000 generated files, each
//     keystroke waiting for its own diagnostics (p50/p95). `--edit line` (the default) adds a line
//     at the top, which moves every function of the file; `--edit char` types a space inside one
//     function, which moves nothing else;
//   - hover sent right after a keystroke, while the engine is busy (p50/p95).
//
// Usage: node scripts/bench-lsp.mjs [--files 2000] [--lines 5000] [--keystrokes 40] [--debounce 0] [--edit line|char] [--keep]
// The workspace is generated into a temporary directory and removed afterwards (unless --keep).
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}
const FILES = option('files', 2000);
const LINES = option('lines', 5000);
const KEYSTROKES = option('keystrokes', 40);
const DEBOUNCE = option('debounce', 0);
const EDIT = process.argv.includes('--edit') ? process.argv[process.argv.indexOf('--edit') + 1] : 'line';

// ---------------------------------------------------------------------------------------------
// A generated, kernel-shaped workspace: per subsystem a header of structs with locks, and files
// whose functions take those locks (mostly in one order) and call into neighbouring files.

function rng(seed) {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

const SUBSYSTEMS = 40;

function header(sub) {
  return [
    `#ifndef SUB${sub}_H`,
    `#define SUB${sub}_H`,
    `struct dev${sub} { spinlock_t lock; struct mutex cfg_mutex; struct queue${sub} *q; int count; };`,
    `struct queue${sub} { spinlock_t qlock; int depth; };`,
    `#endif`,
    '',
  ].join('\n');
}

function functionText(sub, file, fn, random) {
  const callee = `op_${(file + 1 + Math.floor(random() * 5)) % FILES}_0`;
  const body = [
    `int op_${file}_${fn}(struct dev${sub} *d, int x)`,
    '{',
    '\tint ret = 0;',
    '\tmutex_lock(&d->cfg_mutex);',
    '\tspin_lock(&d->lock);',
    '\tif (x > 0) {',
    '\t\tspin_lock(&d->q->qlock);',
    '\t\td->q->depth += x;',
    '\t\tspin_unlock(&d->q->qlock);',
    '\t}',
    '\td->count++;',
    '\tspin_unlock(&d->lock);',
    random() < 0.3 ? `\tret = ${callee}(d, x - 1);` : '\tret = d->count;',
    '\tmutex_unlock(&d->cfg_mutex);',
    '\treturn ret;',
    '}',
    '',
  ];
  return body.join('\n');
}

function sourceFile(file, functions, random) {
  const sub = file % SUBSYSTEMS;
  const parts = [`// generated file ${file}`, `#include "sub${sub}.h"`, ''];
  for (let fn = 0; fn < functions; fn++) parts.push(functionText(sub, file, fn, random));
  return parts.join('\n');
}

/** ~LINES lines, ending in an ABBA pair so the file always has diagnostics to watch. */
function bigFile(random) {
  const parts = ['// the big file', '#include "sub0.h"', 'static DEFINE_SPINLOCK(big_a);', 'static DEFINE_SPINLOCK(big_b);', ''];
  let lines = 5;
  for (let fn = 0; lines < LINES - 16; fn++) {
    const text = functionText(0, 100_000, fn, random);
    parts.push(text);
    lines += text.split('\n').length;
  }
  parts.push('void big_one(void) { spin_lock(&big_a); spin_lock(&big_b); spin_unlock(&big_b); spin_unlock(&big_a); }');
  parts.push('void big_two(void) { spin_lock(&big_b); spin_lock(&big_a); spin_unlock(&big_a); spin_unlock(&big_b); }');
  return parts.join('\n') + '\n';
}

function generateWorkspace() {
  const dir = mkdtempSync(join(tmpdir(), 'lockorder-bench-lsp-'));
  const random = rng(42);
  for (let sub = 0; sub < SUBSYSTEMS; sub++) {
    mkdirSync(join(dir, `sub${sub}`));
    writeFileSync(join(dir, `sub${sub}`, `sub${sub}.h`), header(sub));
  }
  for (let file = 0; file < FILES - SUBSYSTEMS; file++) {
    writeFileSync(join(dir, `sub${file % SUBSYSTEMS}`, `file${file}.c`), sourceFile(file, 3 + Math.floor(random() * 5), random));
  }
  const big = join(dir, 'sub0', 'big.c');
  const text = bigFile(random);
  writeFileSync(big, text);
  return { dir, big, text };
}

// ---------------------------------------------------------------------------------------------
// A minimal LSP client.

function startServer(folder) {
  const child = spawn(process.execPath, [join(root, 'out/server/src/server.js'), '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
  let buffer = Buffer.alloc(0);
  let nextId = 1;
  const pending = new Map();
  const listeners = new Set();
  const settings = { diagnostics: { workspace: false }, debounceMs: DEBOUNCE };
  const send = (message) => {
    const body = Buffer.from(JSON.stringify(message));
    child.stdin.write(`Content-Length: ${body.length}\r\n\r\n`);
    child.stdin.write(body);
  };
  child.stdout.on('data', (chunk) => {
    buffer = Buffer.concat([buffer, chunk]);
    for (;;) {
      const end = buffer.indexOf('\r\n\r\n');
      if (end < 0) return;
      const length = Number(/Content-Length: (\d+)/i.exec(buffer.subarray(0, end).toString())[1]);
      if (buffer.length < end + 4 + length) return;
      const message = JSON.parse(buffer.subarray(end + 4, end + 4 + length).toString());
      buffer = buffer.subarray(end + 4 + length);
      if (message.method && message.id !== undefined) {
        const result = message.method === 'workspace/configuration' ? message.params.items.map(() => settings) : null;
        send({ jsonrpc: '2.0', id: message.id, result });
      } else if (message.method) {
        for (const listener of [...listeners]) listener(message);
      } else {
        pending.get(message.id)?.(message.result);
        pending.delete(message.id);
      }
    }
  });
  const server = {
    child,
    request(method, params) {
      const id = nextId++;
      return new Promise((resolve) => {
        pending.set(id, resolve);
        send({ jsonrpc: '2.0', id, method, params });
      });
    },
    notify(method, params) {
      send({ jsonrpc: '2.0', method, params });
    },
    /** The next notification matching `accept`. */
    next(accept) {
      return new Promise((resolve) => {
        const listener = (message) => {
          if (!accept(message)) return;
          listeners.delete(listener);
          resolve(message);
        };
        listeners.add(listener);
      });
    },
  };
  return server.request('initialize', {
    processId: process.pid,
    rootUri: pathToFileURL(folder).href,
    workspaceFolders: [{ uri: pathToFileURL(folder).href, name: 'bench' }],
    capabilities: { workspace: { configuration: true }, window: { workDoneProgress: true } },
  }).then(() => {
    server.notify('initialized', {});
    return server;
  });
}

function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

const ms = (n) => `${n.toFixed(0)} ms`;

// ---------------------------------------------------------------------------------------------

const { dir, big, text } = generateWorkspace();
const uri = pathToFileURL(big).href;
console.log(`workspace: ${FILES} files + ${text.split('\n').length}-line big.c in ${dir}; debounce ${DEBOUNCE} ms`);
try {
  const t0 = performance.now();
  const server = await startServer(dir);
  const indexEnd = server.next((m) => m.method === '$/progress' && m.params.value.kind === 'end');
  const firstDiagnostics = server.next((m) => m.method === 'textDocument/publishDiagnostics' && m.params.uri === uri && m.params.diagnostics.length > 0);
  const abbaLine = text.split('\n').length - 3;
  // The analysis after the index is the first over the whole workspace (headers and big.c included).
  const settled = server.next((m) => m.method === 'lockorder/status' && m.params.state === 'ready' && m.params.files > FILES);
  server.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'c', version: 1, text } });
  const { params: first } = await firstDiagnostics;
  const coldFirst = performance.now() - t0;
  await indexEnd;
  const coldIndex = performance.now() - t0;
  const { params: status } = await settled;
  const coldAll = performance.now() - t0;
  console.log(`cold start → first diagnostics for big.c: ${ms(coldFirst)}`);
  console.log(`cold start → index done: ${ms(coldIndex)}; → whole-workspace analysis: ${ms(coldAll)} (${status.files} files)`);

  // Each keystroke moves a diagnostic of big.c, so each keystroke has its own, recognisable
  // publication: a line at the top moves every diagnostic down one line; a space typed after the
  // `{` of big_one (all on one line) moves its diagnostics one character right.
  const keystroke = [];
  const hover = [];
  const typedAfter = text.split('\n')[abbaLine].indexOf('{') + 1;
  const onAbbaLine = first.diagnostics.filter((d) => d.range.start.line === abbaLine).map((d) => d.range.start.character);
  const moved = (d, k) =>
    EDIT === 'char' ? d.range.start.line === abbaLine && onAbbaLine.includes(d.range.start.character - k) : d.range.start.line === abbaLine + k;
  for (let k = 1; k <= KEYSTROKES; k++) {
    const published = server.next(
      (m) => m.method === 'textDocument/publishDiagnostics' && m.params.uri === uri && m.params.diagnostics.some((d) => moved(d, k)),
    );
    const at = EDIT === 'char' ? { line: abbaLine, character: typedAfter } : { line: 0, character: 0 };
    const start = performance.now();
    server.notify('textDocument/didChange', {
      textDocument: { uri, version: k + 1 },
      contentChanges: [{ range: { start: at, end: at }, text: EDIT === 'char' ? ' ' : '\n' }],
    });
    const hoverStart = performance.now();
    const hoverLine = EDIT === 'char' ? abbaLine : abbaLine + k - 1;
    await server.request('textDocument/hover', { textDocument: { uri }, position: { line: hoverLine, character: 30 } });
    hover.push(performance.now() - hoverStart);
    await published;
    keystroke.push(performance.now() - start);
  }
  console.log(`keystroke → diagnostics (${KEYSTROKES} keystrokes, ${EDIT === 'char' ? 'a space typed in a function' : 'a line added at the top'}, ${DEBOUNCE} ms debounce): p50 ${ms(percentile(keystroke, 50))}, p95 ${ms(percentile(keystroke, 95))}`);
  console.log(`hover sent right after a keystroke: p50 ${ms(percentile(hover, 50))}, p95 ${ms(percentile(hover, 95))}`);
  await server.request('shutdown', null);
  server.notify('exit', null);
} finally {
  if (process.argv.includes('--keep')) console.log(`workspace kept in ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
}
