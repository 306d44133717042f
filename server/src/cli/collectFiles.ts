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
import { TextDecoder } from 'node:util';
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
  /** One message per PATH argument that does not exist: an input error, not a skip. */
  inputErrors: string[];
}

const SOURCE_EXTENSIONS = new Set(['.c', '.h']);
/** Git and grep use the same test: a NUL byte near the start means the file is not text. */
const BINARY_SNIFF_BYTES = 8 * 1024;

export function collectFiles(paths: readonly string[], options: CollectOptions): CollectResult {
  const files: string[] = [];
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
      return options.onSkip(dir, describeError(e));
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
  return { files, inputErrors };
}

export interface ReadOptions {
  /** Relative paths are read from here. */
  cwd: string;
  onSkip: (path: string, reason: string) => void;
  onProgress?: (done: number, total: number) => void;
}

/**
 * Reads the collected files as UTF-8 (invalid bytes become U+FFFD rather than failing the file, and
 * a BOM is dropped). Files that cannot be read or look binary are passed to `onSkip`.
 */
export function readSources(files: readonly string[], options: ReadOptions): AnalysisInput[] {
  const { onSkip, onProgress } = options;
  const decoder = new TextDecoder('utf-8');
  const inputs: AnalysisInput[] = [];
  files.forEach((file, i) => {
    onProgress?.(i + 1, files.length);
    let bytes: Buffer;
    try {
      bytes = fs.readFileSync(path.resolve(options.cwd, file));
    } catch (e) {
      return onSkip(file, describeError(e));
    }
    if (bytes.subarray(0, BINARY_SNIFF_BYTES).includes(0)) return onSkip(file, 'binary file (NUL byte in the first 8 KiB)');
    inputs.push({ file, text: decoder.decode(bytes) });
  });
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
    return describeError(e);
  }
}

function isSymlink(p: string): boolean {
  try {
    return fs.lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}

function describeError(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  switch (err.code) {
    case 'ENOENT':
      return 'no such file or directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ELOOP':
      return 'symlink loop';
    case 'ENOTDIR':
      return 'not a directory';
    case 'EISDIR':
      return 'is a directory';
    default:
      return err.message ?? String(e);
  }
}
