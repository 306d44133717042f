/**
 * Reading one source file for analysis, the same wherever it happens: in the CLI's extraction
 * workers, on its main thread, and in the language server's workspace index. Text is UTF-8 (invalid
 * bytes become U+FFFD rather than failing the file, and a BOM is dropped); a file that cannot be
 * read, or looks binary, comes back with the reason, for the one line the caller prints about it.
 */
import * as fs from 'node:fs';
import { TextDecoder } from 'node:util';

/** Git and grep use the same test: a NUL byte near the start means the file is not text. */
const BINARY_SNIFF_BYTES = 8 * 1024;

/** Without streaming, a decoder keeps no state between texts, so one serves them all. */
const decoder = new TextDecoder('utf-8');

export type SourceRead = { text: string } | { skip: string };

export function readSourceFile(absolutePath: string): SourceRead {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(absolutePath);
  } catch (e) {
    return { skip: describeFileError(e) };
  }
  if (bytes.subarray(0, BINARY_SNIFF_BYTES).includes(0)) return { skip: 'binary file (NUL byte in the first 8 KiB)' };
  return { text: decoder.decode(bytes) };
}

/** Why a file or directory cannot be used, in a few words. */
export function describeFileError(e: unknown): string {
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
