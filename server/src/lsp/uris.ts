/**
 * File keys. The engine names files by whatever string it is given; the server gives it URIs. The
 * same file must get the same key whether it came from the editor (`file:///a%2Bb.c`, VS Code
 * escapes generously) or from walking the disk (`file:///a+b.c`), or it would be analysed twice.
 */
import { fileURLToPath, pathToFileURL } from 'node:url';

/** One spelling per file: `file:` URIs round-trip through their path; other schemes stay as given. */
export function canonicalUri(uri: string): string {
  if (!uri.startsWith('file:')) return uri;
  try {
    return pathToFileURL(fileURLToPath(uri)).href;
  } catch {
    return uri;
  }
}

export function uriOfPath(path: string): string {
  return pathToFileURL(path).href;
}

/** The file system path of a `file:` URI, or undefined for other schemes (untitled:, git:, …). */
export function pathOfUri(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try {
    return fileURLToPath(uri);
  } catch {
    return undefined;
  }
}

/** `file:///src/drivers/net/foo.c` → `foo.c`, for link texts. */
export function baseNameOfUri(uri: string): string {
  const tail = uri.slice(uri.lastIndexOf('/') + 1);
  try {
    return decodeURIComponent(tail);
  } catch {
    return tail;
  }
}

/** Engine file keys are URIs here, but a related site may name the settings (a declared order). */
export function isUri(file: string): boolean {
  return /^[a-z][a-z0-9+.-]*:/i.test(file);
}

/** A URI as a Markdown link target: parentheses would end the link early. */
export function markdownTarget(uri: string): string {
  return uri.replace(/\(/g, '%28').replace(/\)/g, '%29');
}
