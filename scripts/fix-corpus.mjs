#!/usr/bin/env node
// Runs every quick fix the engine would offer over a tree of C sources and counts what happens to
// each: built and verified, built and rejected by verification (by reason), or not built (by
// reason). Every candidate fix is re-analysed in the program its file was analysed in: the file
// alone by default, or with `--per-directory` every directory as one program (cross-file
// inversions inside a driver are seen, but each re-analysis costs a whole-directory analyze()).
// Needs `npx tsc -b` first.
//
// usage: node scripts/fix-corpus.mjs <dir>... [--per-directory] [--show] [--json]
//   --show   print every verified fix other than `ignore`, with its file and line
//   --json   print the counts as JSON
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { parseArgs } from 'node:util';

const require = createRequire(import.meta.url);
const { LockProgram, factsOf } = require('../out/server/src/analysis/program.js');
const { examineFixes } = require('../out/server/src/analysis/fixes.js');

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    'per-directory': { type: 'boolean', default: false },
    show: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  },
});
if (positionals.length === 0) {
  console.error('usage: node scripts/fix-corpus.mjs <dir>... [--per-directory] [--show] [--json]');
  process.exit(2);
}

function cFiles(dir, into = []) {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    const stat = statSync(path);
    if (stat.isDirectory()) cFiles(path, into);
    else if (name.endsWith('.c')) into.push(path);
  }
  return into;
}

/** The files analysed together: one program per directory, or per file. */
function programGroups(files) {
  if (!values['per-directory']) return files.map((file) => [file, [file]]);
  const groups = new Map();
  for (const file of files) {
    const dir = dirname(file);
    if (!groups.has(dir)) groups.set(dir, []);
    groups.get(dir).push(file);
  }
  return [...groups];
}

const counts = {
  files: 0,
  skippedFiles: 0,
  findings: {},
  verified: {},
  rejected: {},
  notBuilt: {},
  fixableFindings: 0,
};
const bump = (table, key) => (table[key] = (table[key] ?? 0) + 1);

/** The program-aware re-analysis the language server would pass: swap the file in, analyse, swap back. */
function analyzerFor(program, file, originalFacts, baseline) {
  return (name, text) => {
    if (name === file && text === originalFacts.text) return baseline;
    program.setFile(factsOf(name, text, program.catalogue, { timeoutMs: 10_000 }));
    try {
      return program.analyze().findings;
    } finally {
      program.setFile(originalFacts.facts);
    }
  };
}

const started = Date.now();
for (const root of positionals) {
  for (const [name, files] of programGroups(cFiles(root))) {
    const program = new LockProgram();
    const sources = new Map();
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      try {
        const facts = factsOf(file, text, program.catalogue, { timeoutMs: 10_000 });
        program.setFile(facts);
        sources.set(file, { text, facts });
        counts.files++;
      } catch {
        counts.skippedFiles++;
      }
    }
    const baseline = program.analyze().findings;
    for (const finding of baseline) {
      if (!sources.has(finding.file)) continue;
      bump(counts.findings, finding.code);
      const { text, facts } = sources.get(finding.file);
      const analyze = analyzerFor(program, finding.file, { text, facts }, baseline);
      let fixable = false;
      for (const outcome of examineFixes(finding.file, text, finding, analyze, program.catalogue)) {
        if (outcome.outcome === 'declined') {
          bump(counts.notBuilt, `${outcome.kind}: ${outcome.reason}`);
          continue;
        }
        if (outcome.outcome === 'rejected') {
          bump(counts.rejected, `${outcome.fix.kind}: ${outcome.reason}`);
          continue;
        }
        bump(counts.verified, outcome.fix.kind);
        if (outcome.fix.kind !== 'ignore') fixable = true;
        if (values.show && outcome.fix.kind !== 'ignore') {
          const line = outcome.fix.edits[0].range.start.line + 1;
          console.log(`${relative(process.cwd(), finding.file)}:${line}: ${finding.code}: ${outcome.fix.title}`);
        }
      }
      if (fixable) counts.fixableFindings++;
    }
    if (process.stderr.isTTY) process.stderr.write(`\r${counts.files} files, ${((Date.now() - started) / 1000).toFixed(0)} s, ${name.slice(-50).padEnd(50)}`);
  }
}
if (process.stderr.isTTY) process.stderr.write("\n");

const total = (table) => Object.values(table).reduce((a, b) => a + b, 0);
const seconds = (Date.now() - started) / 1000;
if (values.json) {
  console.log(JSON.stringify({ ...counts, seconds }, null, 2));
} else {
  const table = (title, rows) => {
    console.log(`${title}: ${total(rows)}`);
    for (const [key, n] of Object.entries(rows).sort((a, b) => b[1] - a[1])) console.log(`  ${String(n).padStart(6)}  ${key}`);
  };
  console.log(`files analysed: ${counts.files} (${counts.skippedFiles} skipped), ${seconds.toFixed(1)} s`);
  table('findings', counts.findings);
  console.log(`fixes offered (built): ${total(counts.verified) + total(counts.rejected)}`);
  table('verified', counts.verified);
  table('rejected by verification', counts.rejected);
  table('not built', counts.notBuilt);
  console.log(`findings with a verified fix other than ignore: ${counts.fixableFindings}`);
}
