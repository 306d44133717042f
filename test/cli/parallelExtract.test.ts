/**
 * Extraction on worker threads hands the largest files out first, and must still return each file's
 * facts in input order, and pass them on in input order, equal to what one thread extracts.
 */
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync, statSync } from 'node:fs';
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
    const inputs = files.map((file) => ({ file, text: readFileSync(file, 'utf8') }));
    const sizes = inputs.map((input) => input.text.length);
    assert.notDeepEqual([...sizes].sort((a, b) => b - a), sizes, 'the fixtures should not already be largest first');
    const expected = inputs.map((input) => factsOf(input.file, input.text));
    const facts: FileFacts[] = [];
    const { skipped } = await extractInParallel(inputs, 2, [], (f) => facts.push(f));
    assert.deepEqual(skipped, []);
    assert.deepEqual(facts.map((f) => f.file), files);
    assert.deepEqual(facts, expected);
  });

  it('fails with what the receiver of the facts threw, and stops the workers', async () => {
    const files = cFiles(join(repoRoot(), ENGINE_FIXTURES)).slice(0, 40);
    const inputs = files.map((file) => ({ file, text: readFileSync(file, 'utf8') }));
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
