/**
 * Extraction on worker threads reads the files, hands the largest out first, and must still pass
 * each file's facts on in input order, equal to what one thread extracts; files it cannot read are
 * skipped with why.
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { FileFacts } from '../../server/src/analysis/functionFacts';
import { factsOf } from '../../server/src/analysis/program';
import { extractInParallel } from '../../server/src/workspace/parallelExtract';
import { ENGINE_FIXTURES, repoRoot } from '../analysis/engineHelpers';

function cFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) cFiles(path, out);
    else if (name.endsWith('.c')) out.push(path);
  }
  return out;
}

describe('extractInParallel', () => {
  it('passes on the facts of files of every size in input order, as one thread extracts them', async () => {
    const files = cFiles(join(repoRoot(), ENGINE_FIXTURES));
    const inputs = files.map((file) => ({ file, path: file, bytes: statSync(file).size }));
    const sizes = inputs.map((input) => input.bytes);
    assert.notDeepEqual([...sizes].sort((a, b) => b - a), sizes, 'the fixtures should not already be largest first');
    const expected = files.map((file) => factsOf(file, readFileSync(file, 'utf8')));
    const facts: FileFacts[] = [];
    const progress: number[] = [];
    const { skipped, unread } = await extractInParallel(inputs, 2, [], (f) => facts.push(f), (done, total) => {
      assert.equal(total, files.length);
      progress.push(done);
    });
    assert.deepEqual([skipped, unread], [[], 0]);
    assert.deepEqual(facts.map((f) => f.file), files);
    assert.deepEqual(facts, expected);
    assert.deepEqual(progress, files.map((_, i) => i + 1));
  });

  it('skips a file it cannot read, or that is binary, with why, and passes on the others', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lockorder-extract-'));
    try {
      writeFileSync(join(dir, 'binary.c'), Buffer.from([0x69, 0x6e, 0x74, 0, 0x78]));
      const good = cFiles(join(repoRoot(), ENGINE_FIXTURES)).slice(0, 3);
      const names = [good[0], join(dir, 'gone.c'), good[1], join(dir, 'binary.c'), good[2]];
      const inputs = names.map((file) => ({ file, path: file, bytes: 100 }));
      const facts: FileFacts[] = [];
      const outcome = await extractInParallel(inputs, 2, [], (f) => facts.push(f));
      assert.deepEqual(facts.map((f) => f.file), good);
      assert.deepEqual(outcome, {
        skipped: [
          { file: join(dir, 'gone.c'), reason: 'no such file or directory' },
          { file: join(dir, 'binary.c'), reason: 'binary file (NUL byte in the first 8 KiB)' },
        ],
        unread: 2,
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('fails with what the receiver of the facts threw, and stops the workers', async () => {
    const files = cFiles(join(repoRoot(), ENGINE_FIXTURES)).slice(0, 40);
    const inputs = files.map((file) => ({ file, path: file, bytes: statSync(file).size }));
    let received = 0;
    const refusal = new Error('refused');
    await assert.rejects(
      extractInParallel(inputs, 2, [], () => {
        if (++received === 3) throw refusal;
      }),
      refusal,
    );
    assert.equal(received, 3);
  });
});
