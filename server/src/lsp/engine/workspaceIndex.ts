/**
 * Which files of the workspace folders are analysed, and reading them. The rules are the CLI's
 * (`collectFiles`, `readSources`): `.c` and `.h` files, the `ignore` globs relative to each folder,
 * the size limit, no binaries; every file left out for a reason other than `ignore` is logged once.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { collectFiles, readSources } from '../../cli/collectFiles';
import { compileGlobs, type PathMatcher } from '../../cli/glob';
import type { EngineSettings } from '../settings';
import { uriOfPath } from '../uris';
import type { WorkspaceFolderRef } from './messages';

export interface WorkspaceFile {
  uri: string;
  path: string;
}

const SOURCE = /\.[ch]$/;

export class WorkspaceFiles {
  private readonly ignored: PathMatcher;

  constructor(
    readonly folders: readonly WorkspaceFolderRef[],
    private readonly settings: EngineSettings,
    private readonly log: (message: string) => void,
  ) {
    this.ignored = compileGlobs(settings.ignore);
  }

  /** Every source file of every folder, in a stable order; a file in two nested folders once. */
  list(): WorkspaceFile[] {
    const seen = new Set<string>();
    const files: WorkspaceFile[] = [];
    for (const folder of this.folders) {
      const { files: found, inputErrors } = collectFiles(['.'], {
        cwd: folder.path,
        maxFileBytes: this.settings.maxFileBytes,
        isIgnored: this.ignored,
        onSkip: (file, reason) => this.skipped(path.resolve(folder.path, file), reason),
      });
      for (const error of inputErrors) this.log(`Lockorder: workspace folder ${folder.path}: ${error}`);
      for (const relative of found) {
        const absolute = path.resolve(folder.path, relative);
        if (seen.has(absolute)) continue;
        seen.add(absolute);
        files.push({ uri: uriOfPath(absolute), path: absolute });
      }
    }
    return files;
  }

  /** Whether a file reported by the file watcher belongs to the analysed set (it may not exist). */
  includes(file: string): boolean {
    if (!SOURCE.test(file)) return false;
    return this.folders.some((folder) => {
      const relative = path.relative(folder.path, file);
      if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) return false;
      const segments = relative.split(path.sep);
      return !segments.some((_, i) => this.ignored(segments.slice(0, i + 1).join('/')));
    });
  }

  /** The file's text, or undefined (logged) when it is too large, binary or unreadable. */
  read(file: string): string | undefined {
    try {
      const size = fs.statSync(file).size;
      if (size > this.settings.maxFileBytes) {
        this.skipped(file, `file is ${size} bytes, over the limit of ${this.settings.maxFileBytes} (lockorder.maxFileBytes)`);
        return undefined;
      }
    } catch {
      // readSources reports why the file cannot be read.
    }
    const [source] = readSources([file], { cwd: '/', onSkip: (_, reason) => this.skipped(file, reason) });
    return source?.text;
  }

  private skipped(file: string, reason: string): void {
    this.log(`Lockorder: skipped ${file}: ${reason}`);
  }
}
