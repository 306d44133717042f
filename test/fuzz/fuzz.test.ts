import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { loadSeedCorpus } from './corpus';
import { fuzzEngine, HEAP_LIMIT_BYTES, knownDefect, type InputOutcome, type RunReport } from './harness';
import { EVERYDAY_KINDS, type InputKind } from './inputs';
import { Lines, PositionChecker } from './positions';

/** The short run: the same 300 inputs every time (the long run, `npm run fuzz`, takes other seeds). */
const SEED = 20240601;
const COUNT = 300;

function describeOutcome(o: InputOutcome): string {
  return `#${o.index} ${o.kind} (${o.detail}, ${o.chars} chars): ${o.verdict}\n${o.note ?? ''}\nreproduce: node scripts/fuzz.mjs --seed ${SEED} --input ${o.index}`;
}

describe(`engine fuzzing: ${COUNT} seeded inputs`, () => {
  let report: RunReport;
  before(() => {
    report = fuzzEngine(loadSeedCorpus(), { seed: SEED, count: COUNT });
  });

  it('tries every kind of input, a 1 MB line and 10,000 nested blocks among them', () => {
    const kinds: InputKind[] = [...EVERYDAY_KINDS, 'long-line', 'deep-nesting'];
    assert.deepEqual(kinds.filter((k) => !report.byKind.has(k)), []);
    assert.equal(report.tried, COUNT);
  });

  it('no exception escapes the engine, and no input disturbs the analysis of another file', () => {
    const broken = report.failures.filter((o) => o.verdict === 'crash' || o.verdict === 'corrupt');
    assert.deepEqual(broken.map(describeOutcome), []);
  });

  it('every position in findings, related sites, the graph and quick-fix edits lies inside its document', (t) => {
    const bad = report.failures.filter((o) => o.verdict === 'bad-position');
    for (const o of bad.filter(knownDefect)) t.diagnostic(`known defect, see its todo test: ${knownDefect(o)}: #${o.index}`);
    assert.deepEqual(bad.filter((o) => !knownDefect(o)).map(describeOutcome), []);
  });

  it('every input finishes within its bound of CPU time', () => {
    assert.deepEqual(report.failures.filter((o) => o.verdict === 'slow').map(describeOutcome), []);
  });

  it(`keeps the heap under ${HEAP_LIMIT_BYTES >> 20} MB after the run`, () => {
    assert.ok(report.heapAfterBytes < HEAP_LIMIT_BYTES, `${report.heapAfterBytes >> 20} MB in use after ${report.tried} inputs`);
  });
});

describe('the position check itself', () => {
  const text = 'a\r\nb😀c\rd\n';

  it('knows where lines end, in both line models', () => {
    const engine = new Lines(text);
    assert.equal(engine.problemWith({ line: 0, character: 1 }), undefined);
    assert.match(engine.problemWith({ line: 0, character: 2 }) ?? '', /character 2 is between the \\r and \\n ending a line of 1/);
    assert.match(engine.problemWith({ line: 0, character: 3 }) ?? '', /character 3 on a line of 1/);
    assert.match(engine.problemWith({ line: 1, character: 6 }) ?? '', /character 6 on a line of 4/, 'a lone \\r ends the engine\'s line too');
    assert.equal(engine.problemWith({ line: 2, character: 1 }), undefined);
    assert.match(engine.problemWith({ line: 4, character: 0 }) ?? '', /line 4 of 4/);
    const lsp = new Lines(text, 'lsp');
    assert.match(lsp.problemWith({ line: 1, character: 6 }) ?? '', /character 6 on a line of 4/, 'a lone \\r ends an LSP line');
    assert.equal(lsp.problemWith({ line: 2, character: 1 }), undefined);
  });

  it('rejects a column between the two halves of a surrogate pair, and ranges that run backwards', () => {
    assert.match(new Lines(text).problemWith({ line: 1, character: 2 }) ?? '', /splits a surrogate pair/);
    const checker = new PositionChecker(new Map([['f.c', text]]));
    checker.range('f.c', { start: { line: 1, character: 4 }, end: { line: 1, character: 1 } }, 'backwards');
    checker.range('g.c', { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, 'elsewhere');
    assert.equal(checker.problems.length, 3, checker.problems.join('\n'));
  });
});
