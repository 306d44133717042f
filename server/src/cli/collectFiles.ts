/**
 * Turns the PATH arguments into the sources the engine reads. Directories are walked for `.c` and
 * `.h` files in a fixed order (names compared by code unit, so the result does not depend on the
 * locale or on readdir's order). Symbolic links are followed; each directory and each file is
 * visited once, by device and inode, which also ends symlink loops.
 *
 * Nothing is dropped quietly: every candidate that cannot be used (unreadable, binary, too large,
 * a loop, a duplicate, a broken link) is passed to `onSkip` with the reason, and the caller prints
 * one line for it. Files left out by the configuration's `ignore` globs are not reported: the user
 * asked for that.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describeFileError, readSourceFile } from '../workspace/sourceFile';
import type { AnalysisInput } from './engineBoundary';
import type { PathMatcher } from './glob';

export interface CollectOptions {
  /** Relative paths are taken from here, and ignore globs match paths relative to it. */
  cwd: string;
  maxFileBytes: number;
  isIgnored: PathMatcher;
  onSkip: (path: string, reason: string) => void;
}

export interface CollectResult {
  /** Files to read, in analysis order. */
  files: string[];
  /** The size of each of `files` on disk, in bytes. */
  bytes: number[];
  /** One message per PATH argument that does not exist: an input error, not a skip. */
  inputErrors: string[];
}

const SOURCE_EXTENSIONS = new Set(['.c', '.h']);

export function collectFiles(paths: readonly string[], options: CollectOptions): CollectResult {
  const files: string[] = [];
  const bytes: number[] = [];
  const inputErrors: string[] = [];
  const seenFiles = new Map<string, string>();
  const seenDirs = new Map<string, string>();
  const ancestors = new Set<string>();

  const resolve = (p: string) => path.resolve(options.cwd, p);
  const relativeSegments = (p: string) => path.relative(options.cwd, resolve(p)).split(path.sep).filter((s) => s !== '');
  // The walk never enters an ignored directory, so a walked path only needs checking itself; a
  // path given on the command line is also left out when one of its directories is ignored.
  const isIgnored = (p: string) => {
    const segments = relativeSegments(p);
    return segments.length > 0 && options.isIgnored(segments.join('/'));
  };
  const isIgnoredWithDirectories = (p: string) => {
    const segments = relativeSegments(p);
    return segments.some((_, i) => options.isIgnored(segments.slice(0, i + 1).join('/')));
  };

  const addFile = (file: string, stats: fs.BigIntStats) => {
    const id = identity(stats);
    const first = seenFiles.get(id);
    if (first !== undefined) return options.onSkip(file, `same file as ${first}`);
    if (stats.size > BigInt(options.maxFileBytes)) {
      return options.onSkip(file, `file is ${stats.size} bytes, over the limit of ${options.maxFileBytes} (maxFileBytes)`);
    }
    seenFiles.set(id, file);
    files.push(file);
    bytes.push(Number(stats.size));
  };

  const walk = (dir: string, stats: fs.BigIntStats) => {
    const id = identity(stats);
    const first = seenDirs.get(id);
    if (first !== undefined) {
      return options.onSkip(dir, ancestors.has(id) ? `symlink loop back to ${first}` : `same directory as ${first}`);
    }
    seenDirs.set(id, dir);
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(resolve(dir), { withFileTypes: true });
    } catch (e) {
      return options.onSkip(dir, describeFileError(e));
    }
    ancestors.add(id);
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      // Cheap rejection before any stat: most of a kernel tree is neither C nor a directory.
      if (entry.isFile() && !isSource(entry.name)) continue;
      const child = path.join(dir, entry.name);
      if (isIgnored(child)) continue;
      const childStats = statFollowingLinks(resolve(child));
      if (typeof childStats === 'string') {
        options.onSkip(child, childStats);
      } else if (childStats.isDirectory()) {
        walk(child, childStats);
      } else if (isSource(entry.name)) {
        if (childStats.isFile()) addFile(child, childStats);
        else options.onSkip(child, 'not a regular file');
      }
    }
    ancestors.delete(id);
  };

  for (const given of paths) {
    const stats = statFollowingLinks(resolve(given));
    if (typeof stats === 'string') {
      inputErrors.push(`${given}: ${stats}`);
    } else if (isIgnoredWithDirectories(given)) {
      continue;
    } else if (stats.isDirectory()) {
      walk(given, stats);
    } else if (stats.isFile()) {
      // A file named on the command line is analysed whatever its extension: the user chose it.
      addFile(given, stats);
    } else {
      // FIFOs and devices would block or never end.
      options.onSkip(given, 'not a regular file');
    }
  }
  return { files, bytes, inputErrors };
}

export interface ReadOptions {
  /** Relative paths are read from here. */
  cwd: string;
  onSkip: (path: string, reason: string) => void;
}

/** Reads the collected files (see `readSourceFile`); those that cannot be read or look binary are passed to `onSkip`. */
export function readSources(files: readonly string[], options: ReadOptions): AnalysisInput[] {
  const inputs: AnalysisInput[] = [];
  for (const file of files) {
    const read = readSourceFile(path.resolve(options.cwd, file));
    if ('skip' in read) options.onSkip(file, read.skip);
    else inputs.push({ file, text: read.text });
  }
  return inputs;
}

function isSource(name: string): boolean {
  return SOURCE_EXTENSIONS.has(path.extname(name));
}

function identity(stats: fs.BigIntStats): string {
  return `${stats.dev}:${stats.ino}`;
}

/** The target's stats, or why there are none (a broken or looping link says so). */
function statFollowingLinks(p: string): fs.BigIntStats | string {
  try {
    return fs.statSync(p, { bigint: true });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && isSymlink(p)) return 'broken symlink';
    return describeFileError(e);
  }
}

function isSymlink(p: string): boolean {
  try {
    return fs.lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}
