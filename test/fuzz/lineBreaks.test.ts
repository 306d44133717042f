import assert from 'node:assert/strict';
import { it } from 'node:test';
import { fixesFor } from '../../server/src/analysis/fixes';
import { analyzeTexts } from '../../server/src/analysis/program';
import { PositionChecker } from './positions';

// Found by the fuzzer (seed 3, input 1136): in a CRLF file, the reorder fix for a statement followed
// by a `//` comment ended its edit between the `\r` and the `\n`, so an editor applied something
// other than the verified edit. Every edit must stay inside its lines.
it('quick-fix edits in a CRLF file never end inside a line break', () => {
  const text = [
    'void one(struct s *s)', '{', '\tmutex_lock(&s->m);', '\tdown_read(&s->r);', '\tup_read(&s->r);', '\tmutex_unlock(&s->m);', '}',
    'void two(struct s *s)', '{', '\tdown_write(&s->r);', '\tmutex_lock(&s->m); // why', '\tmutex_unlock(&s->m);', '\tup_write(&s->r);', '}', '',
  ].join('\r\n');
  const { findings } = analyzeTexts([{ file: 'crlf.c', text }]);
  assert.ok(findings.some((f) => f.code === 'lock-order-inversion'));
  const checker = new PositionChecker(new Map([['crlf.c', text]]), 'lsp');
  for (const finding of findings) {
    for (const fix of fixesFor('crlf.c', text, finding, (file, edited) => analyzeTexts([{ file, text: edited }]).findings)) {
      for (const edit of fix.edits) checker.range('crlf.c', edit.range, fix.title);
    }
  }
  assert.deepEqual(checker.problems, []);
});
