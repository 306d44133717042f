/** Who we are and where we are installed: for `--version`, the reports, and the HTML page's assets. */
import * as fs from 'node:fs';
import * as path from 'node:path';

export const TOOL_NAME = 'lockorder';
/** Each finding code has a section of this page, anchored by the code itself. */
export const README_URL = 'https://github.com/lockorder/lockorder/blob/main/README.md';

let cached: { root: string; version: string } | undefined;

/** The package's own directory and version, found by walking up to its package.json (works from out/ and dist/). */
function packageInfo(): { root: string; version: string } {
  if (cached !== undefined) return cached;
  for (let dir = __dirname; path.dirname(dir) !== dir; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'package.json');
    if (!fs.existsSync(candidate)) continue;
    const manifest = JSON.parse(fs.readFileSync(candidate, 'utf8')) as { name?: string; version?: string };
    if (manifest.name === TOOL_NAME && manifest.version) return (cached = { root: dir, version: manifest.version });
  }
  throw new Error(`no ${TOOL_NAME} package.json above ${__dirname}`);
}

export function toolVersion(): string {
  return packageInfo().version;
}

export function packageRoot(): string {
  return packageInfo().root;
}
