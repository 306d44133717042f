/**
 * The one module that knows which tree-sitter binding we use. Everything else sees `SyntaxNode`,
 * `SyntaxTree` and the functions here, so swapping the binding (say, to web-tree-sitter) touches
 * this file only.
 */
import Parser = require('tree-sitter');
import C = require('tree-sitter-c');

export type SyntaxNode = Parser.SyntaxNode;
export type SyntaxTree = Parser.Tree;

/** A text edit in the shape tree-sitter needs to reuse an old tree (byte offsets are UTF-16 units ×2 here). */
export interface TreeEdit {
  startIndex: number;
  oldEndIndex: number;
  newEndIndex: number;
  startPosition: { row: number; column: number };
  oldEndPosition: { row: number; column: number };
  newEndPosition: { row: number; column: number };
}

let shared: Parser | undefined;

function parser(): Parser {
  if (!shared) {
    shared = new Parser();
    shared.setLanguage(C as unknown as Parser.Language);
  }
  return shared;
}

export interface ParseBudget {
  /** Give up parsing after this many milliseconds; the caller reports the file as cut off. */
  timeoutMs?: number;
}

/** Thrown when a parse ran out of its time budget. */
export class ParseTimeout extends Error {
  constructor(readonly timeoutMs: number) {
    super(`parsing took longer than ${timeoutMs} ms and was cut off`);
  }
}

/** Parses C. Positions in the tree count columns in UTF-16 code units, like LSP. */
export function parseC(text: string, oldTree?: SyntaxTree, budget: ParseBudget = {}): SyntaxTree {
  const { timeoutMs } = budget;
  if (timeoutMs === undefined) return parser().parse(text, oldTree);
  const deadline = Date.now() + timeoutMs;
  let timedOut = false;
  const tree = parser().parse(text, oldTree, {
    progressCallback: () => (timedOut = Date.now() > deadline),
  });
  // The binding hands back a tree even when the callback stopped the parse.
  if (timedOut) throw new ParseTimeout(timeoutMs);
  return tree;
}

/** Tells an old tree about an edit so that the next `parseC(text, tree)` reuses unchanged parts. */
export function editTree(tree: SyntaxTree, edit: TreeEdit): void {
  tree.edit(edit);
}

/** Counts ERROR and MISSING nodes: how much of the text tree-sitter had to recover from. */
export function countErrorNodes(root: SyntaxNode): number {
  let count = 0;
  const cursor = root.walk();
  let descend = true;
  for (;;) {
    if (descend) {
      const node = cursor.currentNode;
      if (node.isMissing || node.type === 'ERROR') count++;
      if (node.hasError && cursor.gotoFirstChild()) continue;
    }
    if (cursor.gotoNextSibling()) {
      descend = true;
      continue;
    }
    if (!cursor.gotoParent()) break;
    descend = false;
  }
  return count;
}
