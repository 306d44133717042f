import assert from 'node:assert/strict';
import { it } from 'node:test';
import { fixesFor } from '../../server/src/analysis/fixes';
import { analyzeTexts } from '../../server/src/analysis/program';
import { PositionChecker } from './positions';

// Engine defect (reported), found by the fuzzer (seed 3, input 1136): in a CRLF file, the reorder
// fix for a statement followed by a `//` comment ends its edit after the `\r`, between the `\r` and
// the `\n`. The engine's own view of the edit deletes the `\r` (the verified text gets a bare `\n`);
// an editor clamps the position to the end of the line and keeps it: the two texts differ.
it('quick-fix edits in a CRLF file never end inside a line break', { todo: 'engine: keep the \\r out of a line comment\'s range in fixes' }, () => {
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
