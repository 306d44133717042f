import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { collectFiles, readSources, type CollectOptions } from '../../server/src/cli/collectFiles';
import { compileGlobs } from '../../server/src/cli/glob';
import { DEFAULT_MAX_FILE_BYTES } from '../../server/src/config';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'lockorder-collect-'));
after(() => {
  // Give back the permissions taken away below, or rmSync cannot descend.
  for (const p of ['locked.c', 'closed']) fs.chmodSync(path.join(root, 'tree', p), 0o755);
  fs.rmSync(root, { recursive: true, force: true });
});

function write(rel: string, content: string | Buffer = 'int x;\n') {
  const file = path.join(root, rel);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
}

/** Whether this process can still read `p` after its permissions were removed (true for root). */
function stillReadable(read: () => unknown): boolean {
  try {
    read();
    return true;
  } catch {
    return false;
  }
}

// The tree the walk is tested on; see each test for what is expected of it.
write('tree/a.c');
write('tree/b.h');
write('tree/notes.txt');
write('tree/Makefile');
write('tree/sub/ab.c');
write('tree/sub/deeper/y.h');
write('tree/sub/z.c');
write('tree/binary.c', Buffer.from('int x;\0\x01\x02'));
write('tree/huge.c', 'x'.repeat(1001));
write('tree/locked.c');
write('tree/closed/hidden.c');
write('tree/generated/gen.c');
write('tree/x.mod.c');
fs.symlinkSync('..', path.join(root, 'tree/sub/deeper/up'));
fs.symlinkSync('sub', path.join(root, 'tree/zlink'));
fs.symlinkSync('a.c', path.join(root, 'tree/alias.c'));
fs.symlinkSync('nowhere.c', path.join(root, 'tree/dangling.c'));
fs.symlinkSync('self.c', path.join(root, 'tree/self.c'));
fs.chmodSync(path.join(root, 'tree/locked.c'), 0o000);
fs.chmodSync(path.join(root, 'tree/closed'), 0o000);
const lockedIsReadable = stillReadable(() => fs.readFileSync(path.join(root, 'tree/locked.c')));
const closedIsReadable = stillReadable(() => fs.readdirSync(path.join(root, 'tree/closed')));

const tree = path.join(root, 'tree');

function collect(paths: string[], overrides: Partial<CollectOptions> = {}) {
  const skips: string[] = [];
  const result = collectFiles(paths, {
    cwd: tree,
    maxFileBytes: 1000,
    isIgnored: compileGlobs(['generated/**', '*.mod.c']),
    onSkip: (p, reason) => skips.push(`${p}: ${reason}`),
    ...overrides,
  });
  return { ...result, skips };
}

test('walks a tree: .c and .h only, sorted by name, depth first, every skip reported once', () => {
  const { files, skips, inputErrors } = collect(['.']);
  assert.deepEqual(inputErrors, []);
  assert.deepEqual(files, [
    'a.c',
    'b.h',
    'binary.c', // binary-ness is found when reading, below
    ...(closedIsReadable ? ['closed/hidden.c'] : []),
    'locked.c', // listed even when unreadable: reading it is what fails
    'sub/ab.c',
    'sub/deeper/y.h',
    'sub/z.c',
  ]);
  assert.deepEqual(skips, [
    'alias.c: same file as a.c',
    ...(closedIsReadable ? [] : ['closed: permission denied']),
    'dangling.c: broken symlink',
    'huge.c: file is 1001 bytes, over the limit of 1000 (maxFileBytes)',
    'self.c: symlink loop',
    'sub/deeper/up: symlink loop back to sub',
    'zlink: same directory as sub',
  ]);
});

test('reading: binary and unreadable files are skipped with a reason, the rest decoded', () => {
  const skips: string[] = [];
  const inputs = readSources(['a.c', 'binary.c', 'locked.c', 'sub/z.c'], {
    cwd: tree,
    onSkip: (p, reason) => skips.push(`${p}: ${reason}`),
  });
  assert.deepEqual(inputs, [
    { file: 'a.c', text: 'int x;\n' },
    ...(lockedIsReadable ? [{ file: 'locked.c', text: 'int x;\n' }] : []),
    { file: 'sub/z.c', text: 'int x;\n' },
  ]);
  assert.deepEqual(skips, [
    'binary.c: binary file (NUL byte in the first 8 KiB)',
    ...(lockedIsReadable ? [] : ['locked.c: permission denied']),
  ]);
});

test('a NUL byte after the first 8 KiB does not make a file binary', () => {
  write('late-nul.c', Buffer.concat([Buffer.from('/*' + ' '.repeat(8192) + '*/'), Buffer.from([0])]));
  const inputs = readSources(['late-nul.c'], { cwd: root, onSkip: (p, reason) => assert.fail(`${p} skipped: ${reason}`) });
  assert.equal(inputs.length, 1);
});

test('decodes UTF-8, drops a BOM, and turns invalid bytes into U+FFFD instead of failing', () => {
  write('utf8.c', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('/* café */\n/* '), Buffer.from([0xe9]), Buffer.from(' */\n')]));
  const [input] = readSources(['utf8.c'], { cwd: root, onSkip: (p, reason) => assert.fail(`${p} skipped: ${reason}`) });
  assert.equal(input.text, '/* café */\n/* \ufffd */\n');
});

test('a nonexistent PATH is an input error, not a skip; the other paths are still collected', () => {
  const { files, skips, inputErrors } = collect(['nowhere', 'a.c', 'dangling.c']);
  assert.deepEqual(inputErrors, ['nowhere: no such file or directory', 'dangling.c: broken symlink']);
  assert.deepEqual(files, ['a.c']);
  assert.deepEqual(skips, []);
});

test('a file named on the command line is taken whatever its extension, but still checked for size and duplicates', () => {
  const { files, skips } = collect(['notes.txt', 'huge.c', 'sub/z.c', './sub/z.c']);
  assert.deepEqual(files, ['notes.txt', 'sub/z.c']);
  assert.deepEqual(skips, ['huge.c: file is 1001 bytes, over the limit of 1000 (maxFileBytes)', './sub/z.c: same file as sub/z.c']);
});

test('ignore globs match paths relative to cwd, for walked paths and for named paths under an ignored directory', () => {
  const everything = collect(['.'], { isIgnored: compileGlobs([]) }).files;
  assert.ok(everything.includes('generated/gen.c') && everything.includes('x.mod.c'));

  const { files, skips } = collect(['.', 'generated/gen.c', 'sub/z.c'], { isIgnored: compileGlobs(['/sub', 'generated', '*.h']) });
  // zlink is not named "sub", so it is walked, and sub's files come in under the link's name.
  assert.deepEqual(files, ['a.c', 'binary.c', ...(closedIsReadable ? ['closed/hidden.c'] : []), 'locked.c', 'x.mod.c', 'zlink/ab.c', 'zlink/z.c']);
  assert.ok(skips.includes('zlink/deeper/up: symlink loop back to zlink'), skips.join('\n'));
  assert.ok(!skips.some((s) => s.startsWith('generated') || s.startsWith('sub')), skips.join('\n'));
});

test('paths outside cwd keep the form they were given in', () => {
  const cwd = path.join(tree, 'sub');
  const { files, inputErrors } = collect([path.join(tree, 'b.h'), '../a.c', 'deeper/y.h'], { cwd });
  assert.deepEqual(inputErrors, []);
  assert.deepEqual(files, [path.join(tree, 'b.h'), '../a.c', 'deeper/y.h']);
  const inputs = readSources(files, { cwd, onSkip: (p, reason) => assert.fail(`${p} skipped: ${reason}`) });
  assert.deepEqual(inputs.map((i) => i.file), files);
});

test('the default size limit is 4 MiB: a file of exactly that size is read, one byte more is skipped', () => {
  fs.mkdirSync(path.join(root, 'big'));
  fs.writeFileSync(path.join(root, 'big/limit.c'), '');
  fs.truncateSync(path.join(root, 'big/limit.c'), DEFAULT_MAX_FILE_BYTES);
  fs.writeFileSync(path.join(root, 'big/over.c'), '');
  fs.truncateSync(path.join(root, 'big/over.c'), DEFAULT_MAX_FILE_BYTES + 1);
  const { files, skips } = collect(['big'], { cwd: root, maxFileBytes: DEFAULT_MAX_FILE_BYTES });
  assert.deepEqual(files, ['big/limit.c']);
  assert.deepEqual(skips, [`big/over.c: file is ${DEFAULT_MAX_FILE_BYTES + 1} bytes, over the limit of 4194304 (maxFileBytes)`]);
});

test('a FIFO named like a source file is reported, never opened (opening would block)', { skip: process.platform === 'win32' }, () => {
  fs.mkdirSync(path.join(root, 'fifo'));
  const made = spawnSync('mkfifo', [path.join(root, 'fifo/pipe.c')]);
  if (made.status !== 0) return; // no mkfifo here: nothing to test
  const { files, skips } = collect(['fifo', 'fifo/pipe.c'], { cwd: root });
  assert.deepEqual(files, []);
  assert.deepEqual(skips, ['fifo/pipe.c: not a regular file', 'fifo/pipe.c: not a regular file']);
});
