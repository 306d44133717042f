/**
 * A text of preprocessor lines and comments only (a generated register header) is not parsed: its
 * facts must be the ones parsing it gives, and any text the parser could read as code is parsed.
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { extractFile, preprocessorOnlyFacts } from '../../server/src/analysis/extract';
import { DEFAULT_CATALOGUE } from '../../server/src/analysis/lockApis';
import { parseC } from '../../server/src/analysis/parser';
import { factsOf } from '../../server/src/analysis/program';
import { fixture } from './engineHelpers';

const REGISTERS = fixture('preprocessor/registers.h');

describe('preprocessorOnlyFacts', () => {
  it('gives a header of directives and comments the facts parsing it gives', () => {
    const quick = preprocessorOnlyFacts(REGISTERS.file, REGISTERS.text);
    assert.ok(quick, 'the header holds only directives and comments');
    const parsed = extractFile(REGISTERS.file, REGISTERS.text, parseC(REGISTERS.text), DEFAULT_CATALOGUE);
    assert.deepEqual(quick, { ...parsed, errorNodes: 0 });
    assert.deepEqual(quick.lockDeclarations.map((d) => d.name), ['name'], 'lock macros are still read from the text');
    assert.deepEqual(factsOf(REGISTERS.file, REGISTERS.text), quick);
  });

  const parsedAnyway: [string, string][] = [
    ['a declaration after the directives', '#define A 1\nint counter;\n'],
    ['code after a comment on its own', '#define A 1\n/* note */ static int x;\n'],
    ['a comment running from a directive onto the next line', '#define A 1 /* note\n */ int x;\n'],
    ['more after a comment on a directive’s line', '#define A 1 /* note */ + 2\n'],
    ['a condition with braces', '#if A { 1 }\n#endif\n'],
    ['an unknown directive', '#assert machine(x86)\n'],
    ['an unterminated comment', '#define A 1\n/* never closed\nint x;\n'],
    ['a line comment continued onto the next line', '// note \\\nint x;\n'],
    ['a lockorder comment', '/* lockorder: a -> b */\n#define A 1\n'],
  ];
  for (const [what, text] of parsedAnyway) {
    it(`leaves a text with ${what} to the parser`, () => {
      assert.equal(preprocessorOnlyFacts('t.h', text), null);
    });
  }

  it('follows a directive over escaped line breaks, also after \\r\\n', () => {
    const text = '#define F(x) \\\r\n\tdo { (x)++; } while (0)\r\n#define G 2\r\n';
    assert.ok(preprocessorOnlyFacts('t.h', text));
    assert.equal(preprocessorOnlyFacts('t.h', `${text}void f(void) {}\r\n`), null);
  });
});
