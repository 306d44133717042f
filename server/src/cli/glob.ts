/**
 * A small glob matcher for the configuration's `ignore` list. Paths use `/` on every platform.
 *
 *   `*`   any run of characters within one path segment
 *   `?`   one character other than `/`
 *   `**`  any number of whole segments, including none: `a/**` matches `a` and all below it,
 *         `**` + `/b` matches `b` at any depth
 *
 * A pattern without a `/` is matched against the last segment only, as in .gitignore, so
 * `*.mod.c` leaves such files out wherever they are; a leading `/` (`/tools`) anchors it instead.
 */

export type PathMatcher = (path: string) => boolean;

export function compileGlobs(patterns: readonly string[]): PathMatcher {
  const regexps = patterns.map(globToRegExp);
  return (path) => {
    const normal = normalizeForMatching(path);
    const base = normal.slice(normal.lastIndexOf('/') + 1);
    return regexps.some(({ regexp, basenameOnly }) => regexp.test(basenameOnly ? base : normal));
  };
}

function globToRegExp(pattern: string): { regexp: RegExp; basenameOnly: boolean } {
  const normal = normalizeForMatching(pattern);
  // A leading `/` anchors the pattern at the working directory instead of making it match anywhere.
  const anchored = normal.startsWith('/');
  const glob = anchored ? normal.slice(1) : normal;
  let source = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*' && glob[i + 1] === '*') {
      const atSegmentStart = i === 0 || glob[i - 1] === '/';
      const next = glob[i + 2];
      if (atSegmentStart && next === '/') {
        source += '(?:.*/)?'; // `**/`: zero or more leading segments
        i += 2;
      } else if (atSegmentStart && next === undefined && i > 0) {
        source = source.slice(0, -1) + '(?:/.*)?'; // trailing `/**`: the directory itself and everything under it
        i += 1;
      } else {
        source += '.*';
        i += 1;
      }
    } else if (c === '*') {
      source += '[^/]*';
    } else if (c === '?') {
      source += '[^/]';
    } else {
      source += c.replace(/[\\^$.|+()[\]{}]/g, '\\$&');
    }
  }
  return { regexp: new RegExp(`^${source}$`), basenameOnly: !anchored && !glob.includes('/') };
}

/** `./a//b/` and `a\b` (Windows) both become `a/b`. */
function normalizeForMatching(path: string): string {
  return path
    .replace(/\\/g, '/')
    .replace(/\/{2,}/g, '/')
    .replace(/^(?:\.\/)+/, '')
    .replace(/(.)\/$/, '$1');
}
