/**
 * The language server under fuzzed documents, over stdio: each step opens a document made by the
 * fuzzer's generators (random bytes and code points, cut and mangled kernel C, NULs, CRLF, non-ASCII
 * identifiers, a 1 MB line, 10,000 nested blocks, 50 MB over and within the size limit), edits it with incremental didChange batches
 * (including edits that split CRLFs and surrogate pairs, whole-text replacements and ranges past the
 * end), and closes it. After every step the server must still answer hover and codeAction (a result
 * or null, never an error), log no error, and publish diagnostics and fix edits that lie inside the
 * document as the editor sees it. Every wait is on a response, never on time.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { TextDocument, type TextDocumentContentChangeEvent } from 'vscode-languageserver-textdocument';
import { LspTestClient, uriOf, type Diagnostic } from '../lsp/lspClient';
import { repoRoot } from '../analysis/engineHelpers';
import { loadSeedCorpus, type SeedFile } from './corpus';
import { EVERYDAY_KINDS, makeInput, type InputKind } from './inputs';
import { PositionChecker } from './positions';
import { Random } from './random';

const SEED = 8;
/** The everyday steps; one long line and one deep nesting come on top. */
const EVERYDAY_STEPS = 28;
const ANCHOR = 'test/fixtures/fuzz/netdev_ring.c';
/** `spin_lock(&r->lock)` in nd_account(): hover there names the ring lock. */
const ANCHOR_LOCK = { line: 38, character: 13 };
const NONSENSE: Diagnostic = {
  range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } },
  message: 'not a real finding',
  source: 'lockorder',
  data: { key: 'nonsense' },
};

/** The document as the editor holds it: edits go to it first, then to the server. */
class Shadow {
  readonly document: TextDocument;

  constructor(
    readonly uri: string,
    text: string,
  ) {
    this.document = TextDocument.create(uri, 'c', 1, text);
  }

  get text(): string {
    return this.document.getText();
  }

  apply(changes: TextDocumentContentChangeEvent[]): number {
    const version = this.document.version + 1;
    for (const change of changes) TextDocument.update(this.document, [change], version);
    return version;
  }

  randomPosition(random: Random) {
    return this.document.positionAt(random.below(this.text.length + 1));
  }
}

const EDIT_TEXTS = ['{', '}', '(', ')', '/*', '*/', '//', '"', '\n', '\r\n', '\r', '\0', '😀', '\ud800', 'spin_lock(&a);', 'mutex_unlock(&m);\n', ''];

/** A batch of incremental edits, now and then a whole-text replacement or a range past the end. */
function randomChanges(random: Random, shadow: Shadow, corpus: readonly SeedFile[]): TextDocumentContentChangeEvent[] {
  const changes: TextDocumentContentChangeEvent[] = [];
  for (let i = random.between(1, 6); i > 0; i--) {
    const choice = random.below(12);
    if (choice === 0) changes.push({ text: makeInput(random.pick(EVERYDAY_KINDS), random, corpus).text });
    else if (choice === 1) {
      const past = shadow.document.lineCount + random.between(0, 5);
      changes.push({ range: { start: { line: past, character: 3 }, end: { line: past + 2, character: 0 } }, text: random.pick(EDIT_TEXTS) });
    } else {
      const start = random.below(shadow.text.length + 1);
      const end = Math.min(shadow.text.length, start + random.below(12));
      const range = { start: shadow.document.positionAt(start), end: shadow.document.positionAt(end) };
      changes.push({ range, text: random.pick(EDIT_TEXTS) });
    }
  }
  return changes;
}

/** Known server defect, reported: positions are tree-sitter's (rows at `\n` only), sent as LSP positions. */
const hasLoneCr = (text: string) => /\r(?!\n)/.test(text);

describe('language server: fuzzed documents over stdio', { timeout: 300_000 }, () => {
  const corpus = loadSeedCorpus();
  const random = new Random(SEED);
  const anchorText = readFileSync(`${repoRoot()}/${ANCHOR}`, 'utf8');
  const anchor = uriOf(`${repoRoot()}/${ANCHOR}`);
  let client: LspTestClient;
  let anchorDiagnostics: Diagnostic[];
  /** How much the position checks had to check: a run without diagnostics or fixes proves little. */
  const checked = { diagnostics: 0, fixEdits: 0 };

  before(async () => {
    client = await LspTestClient.start();
    client.open(anchor, anchorText);
    anchorDiagnostics = await client.waitForDiagnostics(anchor, (d) => d.length > 0);
  });
  after(() => client.stop());

  /** What must hold after every step. */
  async function stillAnswers(shadow: Shadow, step: string): Promise<void> {
    // Through the engine worker: it takes in every change before answering, and publishes first.
    const ownDiagnostics = client.diagnostics.get(shadow.uri) ?? [];
    const actions = await client.request('textDocument/codeAction', {
      textDocument: { uri: shadow.uri },
      range: { start: shadow.randomPosition(random), end: shadow.randomPosition(random) },
      context: { diagnostics: [...ownDiagnostics, NONSENSE] },
    });
    assert.ok(Array.isArray(actions), `${step}: codeAction answered ${JSON.stringify(actions)}`);
    const hover = await client.request('textDocument/hover', { textDocument: { uri: shadow.uri }, position: shadow.randomPosition(random) });
    assert.ok(hover === null || typeof hover.contents?.value === 'string', `${step}: hover answered ${JSON.stringify(hover)}`);
    const anchorHover = await client.request('textDocument/hover', { textDocument: { uri: anchor }, position: ANCHOR_LOCK });
    assert.match(anchorHover?.contents.value ?? '', /Lock `nd_ring\.lock`/, `${step}: hover on the anchor document`);

    const errors = client.notifications.filter((n) => n.method === 'window/logMessage' && n.params.type === 1);
    assert.deepEqual(errors.map((n) => n.params.message), [], `${step}: the server logged errors`);

    const checker = new PositionChecker(new Map([[shadow.uri, shadow.text], [anchor, anchorText]]), 'lsp');
    if (!hasLoneCr(shadow.text)) {
      for (const d of client.diagnostics.get(shadow.uri) ?? []) {
        checker.range(shadow.uri, d.range, `diagnostic "${d.message}"`);
        checked.diagnostics++;
      }
    }
    for (const action of actions as { title: string; edit?: { changes: Record<string, { range: Diagnostic['range'] }[]> } }[]) {
      for (const [uri, edits] of Object.entries(action.edit?.changes ?? {})) {
        if (uri === shadow.uri && hasLoneCr(shadow.text)) continue;
        for (const edit of edits) {
          checker.range(uri, edit.range, `fix "${action.title}"`);
          checked.fixEdits++;
        }
      }
    }
    assert.deepEqual(checker.problems, [], `${step}: positions outside the document`);
  }

  async function fuzzStep(index: number, kind: InputKind, editBatches: number): Promise<void> {
    const input = makeInput(kind, random, corpus);
    const shadow = new Shadow(`file:///tmp/lockorder-fuzz/step-${index}.c`, input.text);
    const step = `step ${index} (${kind}: ${input.detail})`;
    client.open(shadow.uri, shadow.text);
    await stillAnswers(shadow, `${step}, opened`);
    for (let batch = 0; batch < editBatches; batch++) {
      const changes = randomChanges(random, shadow, corpus);
      client.change(shadow.uri, shadow.apply(changes), changes);
      await stillAnswers(shadow, `${step}, edit batch ${batch + 1}`);
    }
    client.notify('textDocument/didClose', { textDocument: { uri: shadow.uri } });
  }

  it('answers hover and codeAction after every open and edit of everyday fuzzed documents', async () => {
    for (let i = 0; i < EVERYDAY_STEPS; i++) await fuzzStep(i, EVERYDAY_KINDS[i % EVERYDAY_KINDS.length], 3);
    assert.ok(checked.diagnostics > 0 && checked.fixEdits > 0, `checked ${JSON.stringify(checked)}`);
  });

  it('answers after a document with a 1 MB line and one with 10,000 nested blocks', async () => {
    await fuzzStep(EVERYDAY_STEPS, 'long-line', 1);
    await fuzzStep(EVERYDAY_STEPS + 1, 'deep-nesting', 1);
  });

  it('ends up where it started once the fuzzed documents are closed', async () => {
    await client.waitForDiagnostics(anchor, (d) => JSON.stringify(d) === JSON.stringify(anchorDiagnostics), 'the anchor diagnostics as at the start');
  });

  // Found by fuzzing: tree-sitter counts rows at `\n` only, so lone `\r` line breaks once put
  // diagnostics past the end of line 0 and made hover miss the lock.
  it('puts diagnostics on the lines the editor sees in a document with lone CR line breaks', async () => {
    const lines = ['static DEFINE_SPINLOCK(a);', 'static DEFINE_SPINLOCK(b);', 'void f(void) {', '\tspin_lock(&a);', '\tspin_lock(&b);', '\tspin_unlock(&b);', '\tspin_unlock(&a);', '}'];
    const text = [...lines, ...lines.slice(2).map((l) => l.replace('f(', 'g(').replace(/&a|&b/g, (m) => (m === '&a' ? '&b' : '&a')))].join('\r') + '\r';
    const shadow = new Shadow('file:///tmp/lockorder-fuzz/lone-cr.c', text);
    client.open(shadow.uri, text);
    const diagnostics = await client.waitForDiagnostics(shadow.uri, (d) => d.length > 0);
    const checker = new PositionChecker(new Map([[shadow.uri, text]]), 'lsp');
    for (const d of diagnostics) checker.range(shadow.uri, d.range, d.message);
    client.notify('textDocument/didClose', { textDocument: { uri: shadow.uri } });
    assert.deepEqual(checker.problems, []);
  });

  it('leaves a 50 MB document over the size limit out with one log line, and still answers', async () => {
    const huge = new Shadow('file:///tmp/lockorder-fuzz/huge.c', makeInput('huge-file', random, corpus).text);
    const bytes = Buffer.byteLength(huge.text);
    client.open(huge.uri, huge.text);
    await stillAnswers(huge, 'after opening the 50 MB document');
    const edit = [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '/* edited */' }];
    client.change(huge.uri, huge.apply(edit), edit);
    await stillAnswers(huge, 'after an edit of the 50 MB document');
    const lines = client.logLines().filter((l) => l.includes(huge.uri));
    assert.equal(lines.length, 1, lines.join('\n'));
    assert.match(lines[0], new RegExp(`not analysing .*huge\\.c: it is ${bytes} bytes, over the limit of \\d+ \\(lockorder\\.maxFileBytes\\)`));
    client.notify('textDocument/didClose', { textDocument: { uri: huge.uri } });
  });

  it('cuts a 50 MB document that the limit lets in off at the time budget, with a log line, and still answers', async () => {
    const huge = new Shadow('file:///tmp/lockorder-fuzz/huge-allowed.c', makeInput('huge-file', random, corpus).text);
    client.settings = { maxFileBytes: 64 * (1 << 20) };
    client.notify('workspace/didChangeConfiguration', { settings: null });
    client.open(huge.uri, huge.text);
    // The new limit may reach the engine after the document (then the document is first left out
    // for its size, and taken in when the limit arrives). The budget covers parsing and extraction
    // together, so the cut-off comes however fast the parse is; the wait allows for a busy machine.
    const cutOff = (l: string) => l.includes(huge.uri) && l.includes('could not analyse');
    const line = await client.waitFor('the cut-off note', () => client.logLines().find(cutOff), 150_000);
    assert.match(line, /could not analyse .*huge-allowed\.c \(version 1\): analysis took longer than \d+ ms and was cut off \(during (parsing|extraction)\)/);
    await stillAnswers(huge, 'after the 50 MB document');
    client.notify('textDocument/didClose', { textDocument: { uri: huge.uri } });
    client.settings = {};
    client.notify('workspace/didChangeConfiguration', { settings: null });
  });

  // Found by fuzzing: a cut-off parse was left pending in the parser and resumed on the next text, so
  // the document opened next got a garbage tree and lost its findings.
  it('analyses the document opened after the cut-off one as itself', async () => {
    const small = new Shadow('file:///tmp/lockorder-fuzz/after-huge.c', 'static DEFINE_SPINLOCK(a);\nvoid f(void)\n{\n\tspin_lock(&a);\n\tspin_lock(&a);\n}\n');
    client.open(small.uri, small.text);
    await stillAnswers(small, 'the document after the 50 MB one');
    assert.deepEqual(client.diagnostics.get(small.uri)?.map((d) => d.code), ['double-lock']);
  });

  it('shuts down cleanly', async () => {
    assert.equal(await client.request('shutdown', null), null);
    client.notify('exit', null);
    await assert.rejects(client.waitFor('the server to exit', () => undefined), /server exited while waiting/);
  });
});
