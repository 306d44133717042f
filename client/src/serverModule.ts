/**
 * Where the language server is: the bundled `dist/server.js` in a packaged extension, else the
 * compiled `out/server/src/server.js` of a development checkout.
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';

const CANDIDATES = [path.join('dist', 'server.js'), path.join('out', 'server', 'src', 'server.js')];

export function serverModule(extensionPath: string): string {
  const found = CANDIDATES.map((p) => path.join(extensionPath, p)).find((p) => existsSync(p));
  if (!found) throw new Error(`Lockorder: the language server is missing (looked for ${CANDIDATES.join(' and ')} in ${extensionPath})`);
  return found;
}
