#!/usr/bin/env node
// The long fuzz run of the engine (the short one is test/fuzz/fuzz.test.ts; both use the same
// harness, compiled to out/test/fuzz). Prints inputs tried, failures by verdict, parse cut-offs,
// the slowest input, peak heap and the heap left after the run. Every failure comes with the
// command that rebuilds its input; crashes and bad positions are also shrunk, and the smallest
// failing text is written to out/fuzz/.
//
//   node scripts/fuzz.mjs                           5,000 inputs or 10 minutes, a fresh seed
//   node scripts/fuzz.mjs --seed 7 --count 20000 --seconds 3600
//   node scripts/fuzz.mjs --seed 7 --input 1234     just that input, with the full note
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';

const repo = resolve(import.meta.dirname, '..');
const require = createRequire(import.meta.url);
const { checkInput, fuzzEngine, HEAP_LIMIT_BYTES, knownDefect, minimise } = require(join(repo, 'out/test/fuzz/harness.js'));
const { loadSeedCorpus } = require(join(repo, 'out/test/fuzz/corpus.js'));
const { inputAt } = require(join(repo, 'out/test/fuzz/inputs.js'));

function option(name, fallback) {
  const at = process.argv.indexOf(`--${name}`);
  if (at === -1) return fallback;
  const value = Number(process.argv[at + 1]);
  if (!Number.isInteger(value) || value < 0) {
    console.error(`fuzz: --${name} takes a whole number, got ${process.argv[at + 1]}`);
    process.exit(2);
  }
  return value;
}

const seed = option('seed', Math.floor(Math.random() * 2 ** 32));
const count = option('count', 5000);
const seconds = option('seconds', 600);
const only = option('input', undefined);
const corpus = loadSeedCorpus(repo);
const mb = (bytes) => `${(bytes / 2 ** 20).toFixed(0)} MB`;
const reproduce = (index) => `node scripts/fuzz.mjs --seed ${seed} --input ${index}`;

function summary(o) {
  return `#${o.index} ${o.kind} (${o.detail}, ${o.chars} chars): ${o.verdict} in ${Math.round(o.ms)} ms (${Math.round(o.cpuMs)} ms CPU)`;
}

/** Shrinks a crash or a bad position to the smallest text that still fails the same way, and saves it. */
function shrink(o) {
  const input = inputAt(seed, o.index, corpus);
  if (input.text.length > 256 * 1024) return;
  const fails = (text) => checkInput({ ...input, text }, corpus, o.index).verdict === o.verdict;
  const smallest = minimise(input.text, fails);
  const dir = join(repo, 'out', 'fuzz');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${seed}-${o.index}.c`);
  writeFileSync(file, smallest);
  console.log(`  shrunk to ${smallest.length} characters: ${file}`);
}

if (only !== undefined) {
  const o = checkInput(inputAt(seed, only, corpus), corpus, only);
  console.log(summary(o));
  if (o.note) console.log(o.note);
  if (knownDefect(o)) console.log(`known defect: ${knownDefect(o)}`);
  if (o.verdict === 'crash' || o.verdict === 'bad-position') shrink(o);
  process.exit(o.verdict === 'ok' || o.verdict === 'cut-off' ? 0 : 1);
}

console.log(`fuzz: seed ${seed}, up to ${count} inputs or ${seconds} s`);
let lastProgress = Date.now();
const report = fuzzEngine(corpus, {
  seed,
  count,
  seconds,
  onOutcome: (o) => {
    if (Date.now() - lastProgress > 10_000) {
      lastProgress = Date.now();
      console.log(`  … ${o.index + 1} inputs`);
    }
    if (o.verdict === 'ok' || o.verdict === 'cut-off') return;
    const known = knownDefect(o);
    if (known) console.log(`known defect #${o.index} ${o.kind}: ${known}`);
    else console.log(`FAIL ${summary(o)}\n  ${(o.note ?? '').split('\n').slice(0, 4).join('\n  ')}\n  reproduce: ${reproduce(o.index)}`);
  },
});

const fresh = report.failures.filter((o) => !knownDefect(o));
const byVerdict = (v) => fresh.filter((o) => o.verdict === v).length;
console.log('');
console.log(`seed            ${seed}`);
console.log(`inputs tried    ${report.tried} in ${(report.elapsedMs / 1000).toFixed(0)} s`);
console.log(`crashes         ${byVerdict('crash')}`);
console.log(`corrupted next  ${byVerdict('corrupt')}`);
console.log(`bad positions   ${byVerdict('bad-position')}`);
console.log(`over time bound ${byVerdict('slow')}`);
console.log(`known defects   ${report.failures.length - fresh.length} (reported, pinned by todo tests)`);
console.log(`parse cut off   ${report.cutOff.length} (by the parse budget; the fuzzed file is left out)`);
const s = report.slowest;
if (s) console.log(`slowest input   ${Math.round(s.cpuMs)} ms CPU (${Math.round(s.ms)} ms wall), ${s.kind}: ${s.detail}`);
const p = report.peakHeapAfter;
console.log(`peak heap       ${mb(report.peakHeapBytes)} in use, garbage included${p ? ` (after #${p.index}, ${p.kind})` : ''}`);
console.log(`heap after run  ${mb(report.heapAfterBytes)} after a full GC (limit ${mb(HEAP_LIMIT_BYTES)})`);
console.log('');
console.log('kind                  inputs   max CPU ms');
for (const [kind, { tried, maxCpuMs }] of [...report.byKind].sort()) console.log(`${kind.padEnd(20)} ${String(tried).padStart(7)} ${String(Math.round(maxCpuMs)).padStart(12)}`);

for (const o of fresh.filter((f) => f.verdict === 'crash' || f.verdict === 'bad-position').slice(0, 5)) shrink(o);
const failed = fresh.length > 0 || report.heapAfterBytes >= HEAP_LIMIT_BYTES;
process.exit(failed ? 1 : 0);
