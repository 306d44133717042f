// Compiling native code with the node-gyp that ships inside npm: no download, no extra dependency.
import { spawnSync } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The node-gyp script inside npm's installation, or undefined. */
export function findNodeGyp() {
  const npmCli = process.env.npm_execpath ?? spawnSync('sh', ['-c', 'command -v npm'], { encoding: 'utf8' }).stdout.trim();
  if (!npmCli) return undefined;
  for (let dir = dirname(realpathSync(npmCli)); dirname(dir) !== dir; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules/node-gyp/bin/node-gyp.js');
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

/**
 * Runs `node-gyp rebuild` in `cwd`, with the headers of the running Node's installation when it has
 * them, so that nothing is downloaded. Returns node-gyp's output when it failed, else undefined.
 */
export function nodeGypRebuild(nodeGyp, cwd) {
  const installPrefix = dirname(dirname(realpathSync(process.execPath)));
  const headers = existsSync(join(installPrefix, 'include/node/node_api.h')) ? [`--nodedir=${installPrefix}`] : [];
  const gyp = spawnSync(process.execPath, [nodeGyp, 'rebuild', '--jobs=max', ...headers], { cwd, encoding: 'utf8' });
  return gyp.status === 0 ? undefined : `${gyp.stdout}${gyp.stderr}${gyp.error ?? ''}`;
}
