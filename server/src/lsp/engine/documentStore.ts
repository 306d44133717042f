/**
 * Open documents with their syntax trees. Every incremental change is applied to the text and,
 * at once, to the old tree (`editTree`), so that the next parse reuses every subtree the edit did
 * not touch. Parsing itself waits for the caller (the session debounces keystrokes).
 *
 * tree-sitter's Node binding counts offsets and columns in UTF-16 code units, like JavaScript
 * strings and LSP; rows count `\n` only, which is why points are computed here from offsets rather
 * than taken from LSP positions (LSP also breaks lines at a lone `\r`).
 */
import { TextDocument, type TextDocumentContentChangeEvent } from 'vscode-languageserver-textdocument';
import { FunctionReuse } from '../../analysis/functionReuse';
import { editTree, parseC, type Deadline, type SyntaxTree, type TreeEdit } from '../../analysis/parser';

export interface Point {
  row: number;
  column: number;
}

export interface OpenDocument {
  uri: string;
  document: TextDocument;
  /** The last parse, already told about every edit since; undefined until the first parse. */
  tree: SyntaxTree | undefined;
  /** Text changed since the last parse. */
  stale: boolean;
  /** The functions of the last extraction, which the next one reuses where their text is unchanged. */
  functions: FunctionReuse;
}

export class DocumentStore {
  private readonly documents = new Map<string, OpenDocument>();

  open(uri: string, version: number, text: string): OpenDocument {
    const doc: OpenDocument = { uri, document: TextDocument.create(uri, 'c', version, text), tree: undefined, stale: true, functions: new FunctionReuse() };
    this.documents.set(uri, doc);
    return doc;
  }

  get(uri: string): OpenDocument | undefined {
    return this.documents.get(uri);
  }

  has(uri: string): boolean {
    return this.documents.has(uri);
  }

  uris(): string[] {
    return [...this.documents.keys()];
  }

  close(uri: string): void {
    this.documents.delete(uri);
  }

  /** Applies the changes in order (each range refers to the text after the previous change). */
  change(uri: string, version: number, changes: readonly TextDocumentContentChangeEvent[]): OpenDocument | undefined {
    const doc = this.documents.get(uri);
    if (!doc) return undefined;
    for (const change of changes) {
      if ('range' in change) {
        const before = doc.document.getText();
        const start = doc.document.offsetAt(change.range.start);
        const oldEnd = doc.document.offsetAt(change.range.end);
        TextDocument.update(doc.document, [change], version);
        if (doc.tree) editTree(doc.tree, treeEditFor(before, start, oldEnd, change.text));
      } else {
        TextDocument.update(doc.document, [change], version);
        doc.tree = undefined;
      }
    }
    // A version-only change (no edits) still moves the document's version on.
    if (changes.length === 0) TextDocument.update(doc.document, [], version);
    doc.stale = true;
    return doc;
  }

  /** Parses the document if it changed, reusing the edited old tree. Throws what `parseC` throws. */
  parse(doc: OpenDocument, deadline?: Deadline): SyntaxTree {
    if (doc.tree && !doc.stale) return doc.tree;
    doc.tree = parseC(doc.document.getText(), doc.tree, deadline);
    doc.stale = false;
    return doc.tree;
  }
}

/** The edit replacing `before[start, oldEnd)` with `inserted`, in tree-sitter's terms. */
export function treeEditFor(before: string, start: number, oldEnd: number, inserted: string): TreeEdit {
  const startPosition = pointAt(before, start);
  return {
    startIndex: start,
    oldEndIndex: oldEnd,
    newEndIndex: start + inserted.length,
    startPosition,
    oldEndPosition: pointAt(before, oldEnd),
    newEndPosition: advance(startPosition, inserted),
  };
}

/** Row and column (UTF-16 units from the last `\n`) of an offset. */
export function pointAt(text: string, offset: number): Point {
  if (offset === 0) return { row: 0, column: 0 };
  let row = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) row++;
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  return { row, column: offset - lineStart };
}

/** Where `inserted` ends when written at `from`. */
function advance(from: Point, inserted: string): Point {
  const lastBreak = inserted.lastIndexOf('\n');
  if (lastBreak === -1) return { row: from.row, column: from.column + inserted.length };
  let breaks = 0;
  for (let i = inserted.indexOf('\n'); i !== -1; i = inserted.indexOf('\n', i + 1)) breaks++;
  return { row: from.row + breaks, column: inserted.length - lastBreak - 1 };
}
