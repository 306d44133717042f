/**
 * Functions that only moved (a line added or removed above them) keep their analysis, moved by the
 * same number of lines, instead of being analysed again. Whatever moved, the program's findings,
 * graph and per-function results must be those of a fresh analysis of the new text.
 */
import { strict as assert } from 'node:assert';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { extractFile } from '../../server/src/analysis/extract';
import { FunctionReuse } from '../../server/src/analysis/functionReuse';
import { lineShift } from '../../server/src/analysis/movedFunctions';
import { DEFAULT_CATALOGUE } from '../../server/src/analysis/lockApis';
import { factsOf, LockProgram, type ProgramAnalysis } from '../../server/src/analysis/program';
import { DocumentStore } from '../../server/src/lsp/engine/documentStore';
import { repoFile, repoRoot } from './engineHelpers';

function cFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? cFiles(path) : name.endsWith('.c') ? [path] : [];
  });
}

/** Findings, graph and every function's result, by function, for comparing two analyses. */
function everything(analysis: ProgramAnalysis) {
  const results = analysis.functions.map(({ fn, result }) => [fn.file, fn.name, fn.range, result]);
  return { findings: analysis.findings, graph: analysis.toJson(), results };
}

function fresh(inputs: { file: string; text: string }[]): ProgramAnalysis {
  const program = new LockProgram();
  for (const { file, text } of inputs) program.setFile(factsOf(file, text));
  return program.analyze();
}

/** The text with `lines` empty lines added before line `at`. */
function linesAddedAt(text: string, at: number, lines: number): string {
  const all = text.split('\n');
  return [...all.slice(0, at), ...Array<string>(lines).fill(''), ...all.slice(at)].join('\n');
}

describe('moved functions', () => {
  const root = repoRoot();
  const files = cFiles(join(root, 'test/fixtures/engine')).map((path) => relative(root, path));

  it('give the findings, graph and results of a fresh analysis when lines are added at the top, in the middle, or removed, in every fixture', () => {
    let reused = 0;
    for (const path of files) {
      const uri = `file:///${path}`;
      const text = repoFile(path).text;
      const middle = Math.floor(text.split('\n').length / 2);
      const edits = [linesAddedAt(text, 0, 1), linesAddedAt(text, middle, 3), text];
      // As the language server does it (moved facts from the last extraction), and from fresh facts.
      for (const incremental of [true, false]) {
        const program = new LockProgram();
        const store = new DocumentStore();
        const doc = store.open(uri, 1, text);
        const reuse = new FunctionReuse();
        const set = (next: string) => {
          store.change(uri, doc.document.version + 1, [{ text: next }]);
          program.setFile(incremental ? extractFile(uri, next, store.parse(doc), DEFAULT_CATALOGUE, { reuse }) : factsOf(uri, next));
        };
        set(text);
        let before = program.analyze();
        for (const next of edits) {
          set(next);
          const after = program.analyze();
          assert.deepStrictEqual(everything(after), everything(fresh([{ file: uri, text: next }])), `${path}, ${incremental ? 'incremental' : 'fresh'} facts`);
          // A moved function keeps the parts of its result that name no position (the same, empty,
          // findings list): it was not analysed again.
          const kept = new Set(before.functions.map(({ result }) => result.findings));
          reused += after.functions.filter(({ result }) => kept.has(result.findings)).length;
          before = after;
        }
      }
    }
    assert.ok(reused > files.length, `functions reused moved: ${reused}`);
  });

  it('give the acquisitions of a fresh analysis, without their results being read, after moving several times', () => {
    let compared = 0;
    for (const path of files) {
      const uri = `file:///${path}`;
      const text = repoFile(path).text;
      const program = new LockProgram();
      const store = new DocumentStore();
      const doc = store.open(uri, 1, text);
      const reuse = new FunctionReuse();
      let next = text;
      // Lines added at the top, then one removed: every function moves three times.
      for (const edit of [(t: string) => `\n${t}`, (t: string) => `\n\n${t}`, (t: string) => t.slice(1)]) {
        next = edit(next);
        store.change(uri, doc.document.version + 1, [{ text: next }]);
        program.setFile(extractFile(uri, next, store.parse(doc), DEFAULT_CATALOGUE, { reuse }));
        program.analyze();
      }
      const freshProgram = new LockProgram();
      freshProgram.setFile(factsOf(uri, next));
      freshProgram.analyze();
      const sites = (p: LockProgram, shifted: boolean) =>
        p.file(uri)!.functions.map((fn) => {
          const own = shifted ? p.acquisitionsOf(fn)! : { acquisitions: p.resultOf(fn)!.acquisitions, lines: 0 };
          return own.acquisitions.map((a) => [a.cls.id, a.site.start.line + own.lines, a.site.start.character, a.site.end.line + own.lines, a.site.end.character]);
        });
      assert.deepStrictEqual(sites(program, true), sites(freshProgram, false), path);
      compared += sites(program, true).flat().length;
    }
    assert.ok(compared > files.length, `acquisitions compared: ${compared}`);
  });

  it('move the sites of their own locks, not those their callees take in another file at the same lines', () => {
    const header = { file: 'file:///take.h', text: ['', '', '', '', 'static inline void take_b(void)', '{', '\tspin_lock(&b);', '\tspin_unlock(&b);', '}', ''].join('\n') };
    const source = [
      'static DEFINE_SPINLOCK(a);',
      '',
      '',
      '',
      'void a_then_b(void)',
      '{',
      '\ttake_b();',
      '\tspin_lock(&a);',
      '\ttake_b();',
      '\tspin_unlock(&a);',
      '}',
      '',
    ].join('\n');
    const program = new LockProgram();
    program.setFile(factsOf(header.file, header.text));
    program.setFile(factsOf('file:///a.c', source));
    const before = program.analyze().graph.edge('a', 'b')!.sites[0];
    assert.deepEqual([before.site.start.line, before.innerFile, before.innerSite?.start.line], [8, header.file, 6]);
    const moved = { file: 'file:///a.c', text: linesAddedAt(source, 1, 2) };
    program.setFile(factsOf(moved.file, moved.text));
    const after = program.analyze();
    assert.deepStrictEqual(everything(after), everything(fresh([header, moved])));
    const site = after.graph.edge('a', 'b')!.sites[0];
    assert.deepEqual([site.site.start.line, site.innerFile, site.innerSite?.start.line], [10, header.file, 6]);
  });

  it('are analysed again when a name they call loses its definition in the same edit', () => {
    const file = 'file:///gone.c';
    const helper = 'static void take_b(void)\n{\n\tspin_lock(&b);\n\tspin_unlock(&b);\n}\n';
    const caller = 'void a_then_b(void)\n{\n\tspin_lock(&a);\n\ttake_b();\n\tspin_unlock(&a);\n}\n';
    const program = new LockProgram();
    program.setFile(factsOf(file, `${helper}${caller}`));
    assert.ok(program.analyze().graph.edge('a', 'b'));
    // take_b() goes and a_then_b() moves up: the call no longer reaches a lock.
    const next = `\n${caller}`;
    program.setFile(factsOf(file, next));
    const after = program.analyze();
    assert.equal(after.graph.edge('a', 'b'), undefined);
    assert.deepStrictEqual(everything(after), everything(fresh([{ file, text: next }])));
  });

  it('are told from facts extracted afresh (as the CLI does): statement sites moved by the same lines, and nothing else changed', () => {
    const text = 'void f(struct s *p)\n{\n\tmutex_lock(&p->lock);\n\tg(p);\n\tmutex_unlock(&p->lock);\n}\n';
    const [before] = factsOf('a.c', text).functions;
    const [moved] = factsOf('a.c', `\n\n${text}`).functions;
    const [edited] = factsOf('a.c', `\n\n${text.replace('g(p)', 'h(p)')}`).functions;
    const [shifted] = factsOf('a.c', `\n\n${text.replace('\tg(p)', '\t g(p)')}`).functions;
    assert.equal(lineShift(before, moved), 2);
    assert.equal(lineShift(before, edited), undefined);
    assert.equal(lineShift(before, shifted), undefined, 'a call moved along its line is not a function moved by lines');
  });
});
