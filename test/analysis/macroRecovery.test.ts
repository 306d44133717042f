/**
 * Kernel macros that tree-sitter cannot parse as written: iterator macros with a block, macro soup
 * that leaves ERROR nodes, per-CPU loops and SYSCALL_DEFINE bodies, and code cut off while typing.
 * Every fixture here does make the parser recover (checked first), and no lock call may be lost.
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { countErrorNodes, parseC } from '../../server/src/analysis/parser';
import { analyzeTexts } from '../../server/src/analysis/program';
import { analyseFixtures, assertOneInversion, fixture } from './engineHelpers';

function assertParserRecovers(path: string): void {
  const errors = countErrorNodes(parseC(fixture(path).text).rootNode);
  assert.ok(errors > 0, `${path} parses cleanly, so it tests no recovery`);
}

/** 0-based lines of the lines containing `needle`, in file order. */
function linesOf(text: string, needle: string): number[] {
  return text.split('\n').flatMap((line, i) => (line.includes(needle) ? [i] : []));
}

describe('macro recovery: iterator macros with a block', () => {
  const result = analyseFixtures('macros/list_walk.c');

  it('is a fixture the parser has to recover from', () => assertParserRecovers('macros/list_walk.c'));

  it('keeps the lock calls inside list_for_each_entry() { … } and their order', () => {
    assert.deepEqual(result.acquired('input_pass_event'), [
      'mutex_lock:input_dev.mutex',
      'spin_lock:input_handle.lock',
      'spin_lock:input_dev.event_lock',
    ]);
    assert.deepEqual(result.edgesIn('input_pass_event'), [
      'input_dev.mutex -> input_dev.event_lock',
      'input_dev.mutex -> input_handle.lock',
      'input_handle.lock -> input_dev.event_lock',
    ]);
  });

  it('treats the block as a loop body: balanced per iteration, `continue` included, no double lock', () => {
    assert.deepEqual(result.acquired('input_flush'), ['spin_lock:input_dev.event_lock', 'spin_lock:input_handle.lock']);
    const inversion = assertOneInversion(result, ['input_pass_event', 'input_flush'], ['input_dev.event_lock', 'input_handle.lock']);
    assert.ok((inversion.sites ?? []).some((s) => s.function === 'input_flush' && s.range.start.line === result.line('input_flush', 'spin_lock(&handle->lock)')));
    assert.equal(result.findings.length, 1, result.describe());
  });
});

describe('macro recovery: macro soup', () => {
  const result = analyseFixtures('macros/soup.c');

  it('is a fixture the parser has to recover from', () => assertParserRecovers('macros/soup.c'));

  it('loses no lock call around DECLARE_BITMAP, attributes, __rcu, container_of, case ranges and do-while(0)', () => {
    assert.deepEqual(result.acquired('cfg_update'), ['spin_lock_bh:cfg_map.lock', 'spin_lock:cfg_stats.lock']);
    assert.deepEqual(result.acquired('cfg_reset'), ['spin_lock:cfg_stats.lock', 'spin_lock_bh:cfg_map.lock']);
    assert.deepEqual(result.acquired('cfg_work'), ['spin_lock_bh:cfg_map.lock', 'spin_lock:global_stats.lock']);
  });

  it('finds the inversion and nothing else: lockdep_is_held() is not an acquisition', () => {
    assertOneInversion(result, ['cfg_update', 'cfg_reset'], ['cfg_map.lock', 'cfg_stats.lock']);
    assert.deepEqual(result.edgesIn('cfg_work'), ['cfg_map.lock -> global_stats.lock']);
    assert.equal(result.findings.length, 1, result.describe());
  });
});

describe('macro recovery: per-CPU loops and SYSCALL_DEFINE', () => {
  it('is a fixture the parser has to recover from', () => {
    assertParserRecovers('macros/percpu.c');
    assertParserRecovers('macros/syscall.c');
  });

  it('follows `for_each_possible_cpu(cpu) { … }`, which parses as a nested function, with its locals', () => {
    const result = analyseFixtures('macros/percpu.c');
    assert.deepEqual(result.acquired('stats_sum'), ['spin_lock:stats_global_lock', 'spin_lock:cpu_stats.lock']);
    assert.deepEqual(result.edgeSites('stats_global_lock', 'cpu_stats.lock').filter((s) => s.startsWith('stats_sum:')), [
      `stats_sum:${result.line('stats_sum', 'spin_lock(&s->lock)')}`,
    ]);
  });

  it('follows the call in an unbraced `for_each_online_cpu(cpu) call(cpu);`, which parses as a declaration', () => {
    const result = analyseFixtures('macros/percpu.c');
    assert.deepEqual(result.edgeSites('stats_global_lock', 'cpu_stats.lock').filter((s) => s.startsWith('stats_reset_all:')), [
      `stats_reset_all:${result.line('stats_reset_all', 'stats_flush_cpu(cpu)')}`,
    ]);
  });

  it('names a body glued onto a macro by the recovery after its real header, never after the macro', () => {
    assertParserRecovers('macros/glued_header.c');
    const result = analyseFixtures('macros/glued_header.c');
    const names = result.analysis.functions.map((f) => f.fn.name);
    assert.ok(!names.includes('per_cpu'), `functions: ${names.join(', ')}`);
    assert.ok(names.includes('sampler_stop') && names.includes('sampler_read'));
    assert.deepEqual(result.acquired('sampler_start'), ['mutex_lock:sampler_cfg_lock']);
    assert.equal(result.function('sampler_start').isStatic, true);
    // A per_cpu() read under the lock reaches no body: no double lock.
    assert.deepEqual(result.findings, [], result.describe());
  });

  it('analyses a SYSCALL_DEFINE3() body like a function', () => {
    const result = analyseFixtures('macros/syscall.c');
    const inversions = result.of('lock-order-inversion');
    assert.equal(inversions.length, 1, result.describe());
    assert.deepEqual([...inversions[0].locks].sort(), ['seek_ctx.f_pos_lock', 'seek_table_mutex']);
    const { text } = fixture('macros/syscall.c');
    const [inSyscall] = linesOf(text, 'mutex_lock(&seek_table_mutex)');
    assert.deepEqual((inversions[0].sites ?? []).map((s) => s.range.start.line).sort((a, b) => a - b), [
      inSyscall,
      result.line('seek_ctx_work', 'mutex_lock(&ctx->f_pos_lock)'),
    ]);
  });
});

describe('macro recovery: half-typed code', () => {
  it('never throws on any prefix of a fixture, cut at a line or inside one', () => {
    // The control-flow fixture cut everywhere a statement can end or be half written; the macro soup at line ends.
    for (const [path, insideLines] of [['precision/conditions.c', true], ['macros/soup.c', false]] as const) {
      const { file, text } = fixture(path);
      const cuts = new Set<number>();
      for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) {
        cuts.add(i);
        if (insideLines) cuts.add(Math.max(0, i - 7));
      }
      for (const cut of cuts) {
        const result = analyzeTexts([{ file, text: text.slice(0, cut) }]);
        assert.deepEqual(result.skipped, [], `${path} cut at ${cut}`);
      }
    }
  });

  it('keeps the complete functions of a file cut off at its end', () => {
    const result = analyseFixtures('macros/half_typed.c');
    assert.deepEqual(result.skipped, []);
    assert.deepEqual(result.acquired('pcm_start'), ['spin_lock:pcm.lock', 'spin_lock:pcm_substream.lock']);
    assert.deepEqual(result.edgesIn('pcm_start'), ['pcm.lock -> pcm_substream.lock']);
  });

  it('still sees the lock calls of the function being typed at the end of the file', () => {
    const result = analyseFixtures('macros/half_typed.c');
    assert.deepEqual(result.edges(), ['pcm.lock -> pcm_substream.lock', 'pcm_substream.lock -> pcm.lock']);
    assert.equal(result.of('lock-order-inversion').length, 1, result.describe());
  });

  it('sees the function cut off in the middle of a file, and does not blame it for the next one', () => {
    const result = analyseFixtures('macros/half_typed_middle.c');
    const inversion = result.of('lock-order-inversion');
    assert.equal(inversion.length, 1, result.describe());
    assert.deepEqual([...new Set((inversion[0].sites ?? []).map((s) => s.function))].sort(), ['pcm_start', 'pcm_stop']);
    // pcm_pause()'s own spin_lock() is swallowed into pcm_stop() by the parser: no double-lock error for it.
    assert.deepEqual(result.of('double-lock'), [], result.describe());
  });
});
