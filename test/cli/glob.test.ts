import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileGlobs } from '../../server/src/cli/glob';

function check(pattern: string, matches: string[], misses: string[]) {
  const isIgnored = compileGlobs([pattern]);
  for (const p of matches) assert.equal(isIgnored(p), true, `${pattern} should match ${p}`);
  for (const p of misses) assert.equal(isIgnored(p), false, `${pattern} should not match ${p}`);
}

test('a pattern without a slash matches the last segment anywhere', () => {
  check('*.mod.c', ['foo.mod.c', 'drivers/net/foo.mod.c'], ['foo.c', 'foo.mod.c/x.c']);
  check('tools', ['tools', 'a/b/tools'], ['toolsx', 'tools/x.c']);
});

test('* and ? stay within one segment', () => {
  check('drivers/*.c', ['drivers/a.c'], ['drivers/net/a.c', 'x/drivers/a.c']);
  check('lib/?.c', ['lib/a.c'], ['lib/ab.c', 'lib/.c']);
});

test('** spans any number of segments, including none', () => {
  check('drivers/staging/**', ['drivers/staging', 'drivers/staging/a.c', 'drivers/staging/x/y/z.h'], ['drivers/stagingx/a.c', 'drivers/net/a.c']);
  check('**/test/*.c', ['test/a.c', 'x/test/a.c', 'x/y/test/a.c'], ['x/test/y/a.c', 'xtest/a.c']);
  check('arch/**/boot/*.c', ['arch/boot/a.c', 'arch/x86/boot/a.c', 'arch/x86/y/boot/a.c'], ['arch/x86/boot/z/a.c']);
  check('src/a**b', ['src/ab', 'src/axb', 'src/a/x/b'], ['src/ba', 'ab']);
});

test('a leading slash anchors; ./ and trailing slashes and backslashes are normalised', () => {
  check('/tools', ['tools', './tools'], ['a/tools']);
  check('build/', ['build', 'build/', 'a/build'], ['build.c']);
  check('a/b.c', ['./a/b.c', 'a//b.c', 'a\\b.c'], ['b.c']);
});

test('regular-expression characters are literal', () => {
  check('a+b(1).[ch]', ['a+b(1).[ch]'], ['aab1.c', 'a+b(1).c']);
  check('x.c', ['x.c'], ['xyc']);
});

test('several patterns: any one matching is enough; no patterns match nothing', () => {
  const isIgnored = compileGlobs(['*.h', 'scripts/**']);
  assert.equal(isIgnored('include/x.h'), true);
  assert.equal(isIgnored('scripts/kconfig/conf.c'), true);
  assert.equal(isIgnored('kernel/fork.c'), false);
  assert.equal(compileGlobs([])('anything.c'), false);
});
