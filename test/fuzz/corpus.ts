/**
 * The seed corpus: kernel-style C written for the fuzzer (test/fixtures/fuzz) plus the engine's
 * fixtures and the examples. Mutations start from these, so that most inputs are almost C and
 * reach deep into extraction and analysis instead of stopping at the parser's first ERROR node.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../analysis/engineHelpers';

export interface SeedFile {
  /** Repository-relative path. */
  name: string;
  text: string;
}

const SEED_DIRS = ['test/fixtures/fuzz', 'test/fixtures/engine', 'examples'];

/** Every .c and .h file under the seed directories, in a fixed order. */
export function loadSeedCorpus(root = repoRoot()): SeedFile[] {
  const names: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(path.join(root, dir)).sort()) {
      const relative = `${dir}/${entry}`;
      if (statSync(path.join(root, relative)).isDirectory()) walk(relative);
      else if (/\.[ch]$/.test(entry)) names.push(relative);
    }
  };
  for (const dir of SEED_DIRS) walk(dir);
  return names.map((name) => ({ name, text: readFileSync(path.join(root, name), 'utf8') }));
}

/** Analysed beside every input, so that calls resolve across files and inversions span two files. */
export const COMPANION = 'test/fixtures/fuzz/ring_locks.h';
