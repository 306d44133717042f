/** Syntax-tree questions the quick fixes ask: which call is at a range, what surrounds a statement. */
import type { LockApi, LockApiCatalogue } from '../lockApis';
import type { SyntaxNode } from '../parser';
import type { Position, Range } from '../sites';

export function rangeOfNode(node: SyntaxNode): Range {
  return {
    start: { line: node.startPosition.row, character: node.startPosition.column },
    end: { line: node.endPosition.row, character: node.endPosition.column },
  };
}

function samePosition(a: Position, b: { row: number; column: number }): boolean {
  return a.line === b.row && a.character === b.column;
}

/** The innermost node of this type spanning exactly `range`. */
export function nodeAt(root: SyntaxNode, range: Range, type: string): SyntaxNode | null {
  const start = { row: range.start.line, column: range.start.character };
  const end = { row: range.end.line, column: range.end.character };
  for (let node: SyntaxNode | null = root.descendantForPosition(start, end); node; node = node.parent) {
    if (node.type === type && samePosition(range.start, node.startPosition) && samePosition(range.end, node.endPosition)) return node;
    if (!samePosition(range.start, node.startPosition)) break;
  }
  return null;
}

/** The function definition containing a position, its closing brace's end included. */
export function functionAt(root: SyntaxNode, pos: Position): SyntaxNode | null {
  const point = { row: pos.line, column: pos.character };
  const node = root.descendantForPosition(point);
  const fn = node.type === 'function_definition' ? node : enclosing(node, 'function_definition');
  if (fn || pos.character === 0) return fn;
  // Just after a `}` the position lies outside every node: step back onto the brace.
  return functionAt(root, { line: pos.line, character: pos.character - 1 });
}

export function enclosing(node: SyntaxNode, type: string): SyntaxNode | null {
  for (let n = node.parent; n; n = n.parent) if (n.type === type) return n;
  return null;
}

/** A call to a plain function name, with its argument expressions. */
export interface Call {
  node: SyntaxNode;
  name: string;
  nameNode: SyntaxNode;
  args: SyntaxNode[];
}

export function callOf(node: SyntaxNode | null): Call | null {
  if (!node || node.type !== 'call_expression') return null;
  const nameNode = node.childForFieldName('function');
  const argList = node.childForFieldName('arguments');
  if (!nameNode || nameNode.type !== 'identifier' || !argList) return null;
  return { node, name: nameNode.text, nameNode, args: argList.namedChildren.filter((a) => a.type !== 'comment') };
}

export function callAt(root: SyntaxNode, range: Range): Call | null {
  return callOf(nodeAt(root, range, 'call_expression'));
}

/** A lock API call: the call, its catalogue entry and the lock argument's text as written. */
export interface LockCall extends Call {
  api: LockApi;
  lockText: string;
}

export function lockCallOf(call: Call | null, catalogue: LockApiCatalogue): LockCall | null {
  if (!call) return null;
  const api = catalogue.get(call.name);
  if (!api || call.args.length <= api.lockArg) return null;
  return { ...call, api, lockText: compact(call.args[api.lockArg].text) };
}

/** The statement `call;` when the call is the whole of an expression statement. */
export function statementOf(call: Call): SyntaxNode | null {
  const parent = call.node.parent;
  return parent && parent.type === 'expression_statement' && parent.firstNamedChild?.id === call.node.id ? parent : null;
}

/** The call of a statement that is nothing but a call. */
export function callOfStatement(stmt: SyntaxNode): Call | null {
  if (stmt.type !== 'expression_statement') return null;
  const expr = stmt.firstNamedChild;
  return expr && expr.namedChildCount > 0 ? callOf(expr) : null;
}

/** Whitespace collapsed, so that `&d ->lock` and `&d->lock` read the same. */
export function compact(text: string): string {
  return text.replace(/\s+/g, ' ').replace(/\s*(->|\.|\(|\)|\[|\]|&|\*|,)\s*/g, '$1');
}

/**
 * Every lock API call in the tree as `name(arg, arg)`, counted: a fix must add or remove exactly
 * the calls it says it does.
 */
export function lockCallCounts(root: SyntaxNode, catalogue: LockApiCatalogue): Map<string, number> {
  const counts = new Map<string, number>();
  for (const node of root.descendantsOfType('call_expression')) {
    const call = callOf(node);
    if (!call || !catalogue.get(call.name)) continue;
    const key = callKey(call.name, call.args.map((a) => a.text));
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

export function callKey(name: string, args: readonly string[]): string {
  return `${name}(${args.map(compact).join(',')})`;
}

const JUMPS = new Set(['return_statement', 'goto_statement', 'break_statement', 'continue_statement']);

export function containsJump(node: SyntaxNode): boolean {
  if (JUMPS.has(node.type)) return true;
  return node.descendantsOfType([...JUMPS]).length > 0;
}

/** The comment nodes touching a line. */
export function commentsOnLine(root: SyntaxNode, line: number): SyntaxNode[] {
  return root
    .descendantsOfType('comment', { row: line, column: 0 }, { row: line + 1, column: 0 })
    .filter((c) => c.startPosition.row <= line && c.endPosition.row >= line);
}
