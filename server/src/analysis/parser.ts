/**
 * The one module that knows which tree-sitter binding we use, and the tree-records addon
 * (native/tree_records.c) that parses with the same library where it is built. Everything else sees
 * `SyntaxNode`, `SyntaxTree`, `LiteNode` and the functions here, so swapping the binding (say, to
 * web-tree-sitter) touches this file only.
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

/**
 * A point in time past which parsing and extraction of one file give up: the budget covers both,
 * because a file that parses fast can still take long to walk (a megabyte of dense code).
 */
export class Deadline {
  private readonly at: number;

  constructor(readonly timeoutMs: number) {
    this.at = Date.now() + timeoutMs;
  }

  get passed(): boolean {
    return Date.now() > this.at;
  }

  /** Milliseconds left, 0 once passed. */
  remainingMs(): number {
    return Math.max(0, this.at - Date.now());
  }

  /** Throws `BudgetExceeded` once the deadline has passed. */
  check(stage: AnalysisStage): void {
    if (this.passed) throw new BudgetExceeded(this.timeoutMs, stage);
  }
}

export type AnalysisStage = 'parsing' | 'extraction';

/** The time one file may take to parse and extract, in the CLI and the language server alike. */
export const FILE_BUDGET_MS = 10_000;

/** Thrown when a file ran out of its time budget; the caller reports the file as cut off. */
export class BudgetExceeded extends Error {
  constructor(
    readonly timeoutMs: number,
    readonly stage: AnalysisStage,
  ) {
    super(`analysis took longer than ${timeoutMs} ms and was cut off (during ${stage})`);
  }
}

/**
 * Editors (and LSP) break lines at `\r\n`, `\n` and a lone `\r`; tree-sitter counts rows at `\n`
 * only. A lone `\r` becomes `\n`, which keeps every offset and makes rows the editor's lines.
 */
export function normaliseLineBreaks(text: string): string {
  return text.includes('\r') ? text.replace(/\r(?!\n)/g, '\n') : text;
}

/** The binding reads the timeout as an unsigned 32-bit number. */
const MAX_TIMEOUT_MICROS = 0xffffffff;

/** Parses C. Positions in the tree count columns in UTF-16 code units, like LSP. */
export function parseC(source: string, oldTree?: SyntaxTree, deadline?: Deadline): SyntaxTree {
  const text = normaliseLineBreaks(source);
  // The budget is the parser's own timeout, which it checks natively: a progress callback would
  // call into JavaScript every hundred parse steps, about 3 % of the parse.
  parser().setTimeoutMicros(deadline === undefined ? 0 : Math.min(MAX_TIMEOUT_MICROS, Math.max(1, deadline.remainingMs() * 1000)));
  if (deadline === undefined) return parser().parse(text, oldTree);
  const tree = parser().parse(text, oldTree) as SyntaxTree | null;
  if (tree === null || deadline.passed) {
    // A stopped parse stays pending in the parser and would resume on the next text: drop it.
    parser().reset();
    throw new BudgetExceeded(deadline.timeoutMs, 'parsing');
  }
  return tree;
}

/** Tells an old tree about an edit so that the next `parseC(text, tree)` reuses unchanged parts. */
export function editTree(tree: SyntaxTree, edit: TreeEdit): void {
  tree.edit(edit);
}

/** Whether the parser had to recover anywhere in the tree (an ERROR or MISSING node): one native call. */
export function hasSyntaxErrors(tree: SyntaxTree): boolean {
  return tree.rootNode.hasError;
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

/**
 * The node surface extraction needs. Both the binding's nodes and `LiteNode` have it, so helpers
 * such as lock-expression normalisation work on either.
 */
export interface NodeLike {
  readonly type: string;
  readonly text: string;
  readonly startIndex: number;
  readonly endIndex: number;
  readonly isMissing: boolean;
  readonly firstNamedChild: NodeLike | null;
  readonly namedChildren: NodeLike[];
  childForFieldName(name: string): NodeLike | null;
}

/** Offsets where each line starts (lines end at `\n`; normalise lone `\r` first). */
export function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/** The 0-based line and UTF-16 column of an offset, given the text's line starts. */
export function positionIn(starts: readonly number[], offset: number): { line: number; character: number } {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo, character: offset - starts[lo] };
}

/** The source of a lite tree, with line starts for turning offsets into positions. */
class LiteSource {
  private starts: number[] | null = null;

  constructor(readonly text: string) {}

  position(offset: number): { row: number; column: number } {
    const { line, character } = positionIn((this.starts ??= lineStarts(this.text)), offset);
    return { row: line, column: character };
  }
}

/** The children of a node that has none; shared, never written to. */
const NO_CHILDREN: LiteNode[] = [];

/**
 * A plain JavaScript copy of a syntax node. The Node binding pays about 10 µs for every step from
 * one node to another (node ids are BigInts, nodes are cached per tree), while one TreeCursor walk
 * reading only numbers costs about 1 µs a node. Extraction visits most nodes a few times, so it
 * copies the tree once and then navigates in JavaScript. Text and positions come from the source.
 */
export class LiteNode implements NodeLike {
  children: LiteNode[] = NO_CHILDREN;
  parent: LiteNode | null = null;
  /** Set by `liteTree` once known: read for leaves, taken from the children for the others. */
  startIndex = -1;
  endIndex = -1;

  constructor(
    readonly type: string,
    /** The field this node fills in its parent (`condition`, `body`, …), or null. */
    readonly field: string | null,
    readonly isNamed: boolean,
    private readonly source: LiteSource,
  ) {}

  get text(): string {
    return this.source.text.slice(this.startIndex, this.endIndex);
  }

  /** A token the parser inserted to recover (`;` after a macro call): it has no width. */
  get isMissing(): boolean {
    return this.startIndex === this.endIndex && this.children.length === 0 && this.type !== 'translation_unit';
  }

  get startPosition(): { row: number; column: number } {
    return this.source.position(this.startIndex);
  }

  get endPosition(): { row: number; column: number } {
    return this.source.position(this.endIndex);
  }

  get namedChildren(): LiteNode[] {
    return this.children.filter((c) => c.isNamed);
  }

  get firstNamedChild(): LiteNode | null {
    return this.children.find((c) => c.isNamed) ?? null;
  }

  get lastChild(): LiteNode | null {
    return this.children.length > 0 ? this.children[this.children.length - 1] : null;
  }

  child(index: number): LiteNode | null {
    return this.children[index] ?? null;
  }

  childForFieldName(name: string): LiteNode | null {
    return this.children.find((c) => c.field === name) ?? null;
  }

  childrenForFieldName(name: string): LiteNode[] {
    return this.children.filter((c) => c.field === name);
  }

  /** Descendants (and the node itself) of the given types, in document order. */
  descendantsOfType(types: string | readonly string[]): LiteNode[] {
    const wanted = typeof types === 'string' ? [types] : types;
    const out: LiteNode[] = [];
    const stack: LiteNode[] = [this];
    while (stack.length > 0) {
      const node = stack.pop()!;
      if (wanted.includes(node.type)) out.push(node);
      for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i]);
    }
    return out;
  }
}

/** What the copy needs to know of a node type, looked up once per type. */
interface SymbolInfo {
  /** The binding's id of the type. */
  id: number;
  type: string;
  named: boolean;
  /** A token: the copy does not ask the cursor for its children. */
  leaf: boolean;
  /** Its offsets are read, not taken from its children (see `spansHiddenTokens`). */
  spansHidden: boolean;
  /** No child of it fills a field, so the copy does not ask for their field ids. */
  fieldless: boolean;
  /** The child types it lists and their fields (see `FIELD_OF_CHILD`). */
  fieldOfChild: ReadonlyMap<string, string | null | false> | undefined;
  /** The key of this type among a parent's children (see `childKey`). */
  key: string;
  /** `fieldFromTypes` for its children, by their type id, as met (`ASK` for undefined). */
  childFields: Map<number, string | null | typeof ASK>;
  /** A token the grammar spells out (`;`, `->`, `return`, `#include`): see `liteTree`. */
  spelledOut: boolean;
  /** An identifier (or a field, type or label name, which are identifiers too): see `liteTree`. */
  identifier: boolean;
  /** One of the types the copy's `Pruning` is asked about. */
  prunable: boolean;
}

/** A node type as the grammar's node-types.json describes it (see `NODE_TYPE_INFO`). */
interface NodeTypeInfo {
  type: string;
  named: boolean;
  fields?: Record<string, { types: NodeTypeRef[] }>;
  children?: { types: NodeTypeRef[] };
  subtypes?: NodeTypeRef[];
}

interface NodeTypeRef {
  type: string;
  named: boolean;
}

/** The grammar's node-types.json, which the Node binding exposes when the file is shipped (else empty). */
const NODE_TYPE_INFO: readonly NodeTypeInfo[] = (C as unknown as { nodeTypeInfo?: NodeTypeInfo[] }).nodeTypeInfo ?? [];

/**
 * Named node types whose children never fill a field, from node-types.json. Without it every
 * child is asked.
 */
const FIELDLESS_TYPES: ReadonlySet<string> = new Set(
  NODE_TYPE_INFO.filter((info) => info.named && info.subtypes === undefined && Object.keys(info.fields ?? {}).length === 0).map((info) => info.type),
);

/** `named:type`, how `FIELD_OF_CHILD` names a child type. */
function childKey(named: boolean, type: string): string {
  return `${named}:${type}`;
}

/**
 * For each named node type with fields, from node-types.json: the child types it lists, each with
 * the one field it always fills (null: none) or, for a type it lists in two places (an expression
 * on either side of a `binary_expression`), false. Supertypes (`expression`) stand for their
 * subtypes. See `fieldFromTypes`.
 */
const FIELD_OF_CHILD: ReadonlyMap<string, ReadonlyMap<string, string | null | false>> = (() => {
  const supertypes = new Map(NODE_TYPE_INFO.filter((info) => info.subtypes !== undefined).map((info) => [info.type, info.subtypes!]));
  const expand = (ref: NodeTypeRef, out: string[]): string[] => {
    const subtypes = ref.named ? supertypes.get(ref.type) : undefined;
    if (subtypes) for (const sub of subtypes) expand(sub, out);
    else out.push(childKey(ref.named, ref.type));
    return out;
  };
  const tables = new Map<string, Map<string, string | null | false>>();
  for (const info of NODE_TYPE_INFO) {
    if (!info.named || info.subtypes !== undefined || FIELDLESS_TYPES.has(info.type)) continue;
    // Each child type with the fields it may fill ('' for none).
    const places = new Map<string, Set<string>>();
    const note = (refs: NodeTypeRef[], field: string) => {
      for (const ref of refs) for (const key of expand(ref, [])) places.set(key, (places.get(key) ?? new Set()).add(field));
    };
    for (const [field, { types }] of Object.entries(info.fields ?? {})) note(types, field);
    note(info.children?.types ?? [], '');
    const table = new Map<string, string | null | false>();
    for (const [key, fields] of places) table.set(key, fields.size === 1 ? [...fields][0] || null : false);
    tables.set(info.type, table);
  }
  return tables;
})();

/**
 * Node types that can begin or end with a token the tree does not show (the newline closing a
 * preprocessor line, a pattern inside a literal): their offsets are read, not taken from children.
 */
function spansHiddenTokens(type: string): boolean {
  return type.startsWith('preproc_') || type === 'ERROR' || type === 'string_literal' || type === 'char_literal';
}

/**
 * Named node types that are tokens in the C grammar, so never have children (like every unnamed
 * node: all of those are tokens too). The copy does not ask the cursor for their children.
 */
export const NAMED_LEAF_TYPES: ReadonlySet<string> = new Set([
  'identifier',
  'field_identifier',
  'type_identifier',
  'statement_identifier',
  'number_literal',
  'comment',
  'string_content',
  'escape_sequence',
  'system_lib_string',
  'preproc_arg',
]);

/**
 * Which subtrees `liteTree` copies without their children (the caller will never look inside
 * them): `test` is asked about nodes of the given `types` only, which then know their text.
 */
export interface Pruning {
  types: ReadonlySet<string>;
  test(node: LiteNode): boolean;
}

/** The C grammar's identifier and the names it gives identifiers elsewhere. */
export const IDENTIFIER_TYPES: ReadonlySet<string> = new Set(['identifier', 'field_identifier', 'type_identifier', 'statement_identifier']);

/**
 * Where the identifier starting at `start` ends if it is plain ASCII, else -1: the grammar's pattern
 * also takes `$`, `\u` escapes and letters beyond ASCII, whose ends are read instead.
 */
function asciiIdentifierEnd(text: string, start: number): number {
  let at = start;
  for (; at < text.length; at++) {
    const c = text.charCodeAt(at);
    if ((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95) continue;
    if (c === 36 || c === 92 || c >= 128) return -1;
    break;
  }
  return at;
}

/** The id the binding gives every ERROR node. */
const ERROR_TYPE_ID = 0xffff;

/** A child whose field `fieldFromTypes` cannot tell. */
const ASK = 0;

/**
 * The field a child fills in its parent where node-types.json says for certain, else undefined: a
 * type it lists under one field only and not among the children outside fields fills that field;
 * a token it does not list fills none (tokens are listed only where a field takes them). Other
 * children (a type listed twice, an ERROR, a comment, any child of a type not described) are asked.
 */
function fieldFromTypes(parent: SymbolInfo, child: SymbolInfo): string | null | undefined {
  if (parent.fieldOfChild === undefined) return undefined;
  const field = parent.fieldOfChild.get(child.key);
  if (field === undefined) return child.named ? undefined : null;
  return field === false ? undefined : field;
}

/**
 * Copies a tree into `LiteNode`s with one cursor walk, reading only numbers per node. Each read is
 * a native call, so offsets are read only where they cannot be derived (a node with children spans
 * from its first child's start to its last child's end, unless it can hold hidden tokens; a token
 * the grammar spells out, or an identifier, ends where its text does, see `readTokenSpan`), tokens
 * are not asked for children, and a child is asked for its field only where the grammar's node
 * types do not say (see `fieldFromTypes`).
 */
export function liteTree(tree: SyntaxTree, text: string, pruning?: Pruning, deadline?: Deadline): LiteNode {
  const source = new LiteSource(text);
  const cursor = tree.walk();
  // By type id. Ids run to a few hundred, but for ERROR's (0xFFFF), which is never kept (see below).
  const symbols: (SymbolInfo | undefined)[] = [];
  const fields = new Map<number, string | null>();
  // The token whose end was last taken from its text, and the spans derived since: the next start
  // read shows whether it was one the parser inserted (see `readTokenSpan`).
  let spelled: LiteNode | null = null;
  const derivedSinceSpelled: LiteNode[] = [];
  let derivedCount = 0;
  const readStart = (): number => {
    const start = cursor.startIndex;
    if (spelled !== null) {
      if (start < spelled.endIndex) {
        spelled.endIndex = spelled.startIndex;
        for (let i = 0; i < derivedCount; i++) {
          const node = derivedSinceSpelled[i];
          node.endIndex = node.children[node.children.length - 1].endIndex;
        }
      }
      spelled = null;
      derivedCount = 0;
    }
    return start;
  };
  const readSpan = (node: LiteNode): void => {
    node.startIndex = readStart();
    node.endIndex = cursor.endIndex;
  };
  /**
   * A token the grammar spells out ends that many characters after its start where the text there
   * is its spelling, and an identifier where the identifier characters there end, so their ends are
   * not read, unless the parser inserted the token to recover (MISSING, of no width). Such a token
   * lies where the text that did not fit begins (right after the token before it), so where that
   * text is its spelling or an identifier, the next node, whose start is read next, starts inside
   * it: the token's end and those derived from it since are then put right.
   */
  const readTokenSpan = (node: LiteNode, symbol: SymbolInfo): void => {
    if (!symbol.spelledOut && !symbol.identifier) return readSpan(node);
    const start = readStart();
    node.startIndex = start;
    const end = symbol.identifier ? asciiIdentifierEnd(text, start) : text.startsWith(symbol.type, start) ? start + symbol.type.length : -1;
    if (end >= 0) {
      node.endIndex = end;
      spelled = node;
    } else node.endIndex = cursor.endIndex;
  };
  const symbolHere = (): SymbolInfo => {
    const typeId = cursor.nodeTypeId;
    let symbol = typeId < ERROR_TYPE_ID ? symbols[typeId] : undefined;
    // ERROR nodes share one id with no name of their own; ask for the name every time for those.
    if (!symbol || symbol.type === 'ERROR') {
      const type = cursor.nodeType;
      const named = cursor.nodeIsNamed;
      symbol = {
        id: typeId,
        type,
        named,
        leaf: !named || NAMED_LEAF_TYPES.has(type),
        spansHidden: spansHiddenTokens(type),
        fieldless: named && FIELDLESS_TYPES.has(type),
        fieldOfChild: named ? FIELD_OF_CHILD.get(type) : undefined,
        key: childKey(named, type),
        childFields: new Map(),
        // Unnamed tokens are named by their text, but for the line end preprocessor lines close with.
        spelledOut: !named && !type.includes('\n'),
        identifier: named && IDENTIFIER_TYPES.has(type),
        prunable: pruning?.types.has(type) ?? false,
      };
      if (typeId < ERROR_TYPE_ID) symbols[typeId] = symbol;
    }
    return symbol;
  };
  const fieldOfType = (parent: SymbolInfo, child: SymbolInfo): string | null | undefined => {
    let field = parent.childFields.get(child.id);
    if (field === undefined) {
      // Not `?? ASK`: null (the child fills no field) is an answer too.
      const known = fieldFromTypes(parent, child);
      parent.childFields.set(child.id, (field = known === undefined ? ASK : known));
    }
    return field === ASK ? undefined : field;
  };
  const make = (symbol: SymbolInfo, parent: SymbolInfo | null): LiteNode => {
    let field: string | null | undefined = null;
    if (parent !== null && !parent.fieldless && (field = fieldOfType(parent, symbol)) === undefined) {
      const fieldId = cursor.currentFieldId;
      const known = fields.get(fieldId);
      if (known === undefined) {
        field = fieldId === 0 ? null : cursor.currentFieldName ?? null;
        fields.set(fieldId, field);
      } else field = known;
    }
    const node = new LiteNode(symbol.type, field, symbol.named, source);
    if (symbol.spansHidden) readSpan(node);
    return node;
  };
  const rootSymbol = symbolHere();
  const root = make(rootSymbol, null);
  // The root also spans the whitespace after its last child, so its offsets are read, not derived.
  readSpan(root);
  let current = root;
  // The symbols of `current` and its ancestors, innermost last.
  const path: SymbolInfo[] = [rootSymbol];
  for (let copied = 1; ; copied++) {
    // Huge files are cut off here too; asking the clock for every node would cost more than the copy.
    if (copied % 4096 === 0) deadline?.check('extraction');
    const symbol = path[path.length - 1];
    let pruned = false;
    if (symbol.prunable) {
      if (current.startIndex < 0) readSpan(current);
      pruned = pruning!.test(current);
    }
    if (!pruned && !symbol.leaf && cursor.gotoFirstChild()) {
      const childSymbol = symbolHere();
      const child = make(childSymbol, symbol);
      child.parent = current;
      current.children = [child];
      current = child;
      path.push(childSymbol);
      continue;
    }
    if (current.startIndex < 0) readTokenSpan(current, symbol);
    for (;;) {
      if (cursor.gotoNextSibling()) {
        const parent = current.parent!;
        const siblingSymbol = symbolHere();
        const sibling = make(siblingSymbol, path[path.length - 2]);
        sibling.parent = parent;
        parent.children.push(sibling);
        current = sibling;
        path[path.length - 1] = siblingSymbol;
        break;
      }
      if (!cursor.gotoParent()) return root;
      current = current.parent!;
      path.pop();
      if (current.startIndex < 0) {
        current.startIndex = current.children[0].startIndex;
        current.endIndex = current.children[current.children.length - 1].endIndex;
        if (spelled !== null) derivedSinceSpelled[derivedCount++] = current;
      }
    }
  }
}

/** A parsed text as extraction reads it: the copied tree, and whether the parser had to recover anywhere. */
export interface CopiedTree {
  root: LiteNode;
  hasErrors: boolean;
}

/**
 * Parses C and copies its tree into `LiteNode`s. Where the tree-records addon is built (see
 * native/tree_records.c) the tree comes out of one native call as numbers; elsewhere it is parsed
 * and copied through the binding (`parseC`, `liteTree`). Both give the same nodes.
 */
export function parseAndCopy(source: string, pruning?: Pruning, deadline?: Deadline): CopiedTree {
  const text = normaliseLineBreaks(source);
  const addon = treeRecordsAddon();
  if (addon === undefined) {
    const tree = parseC(text, undefined, deadline);
    return { root: liteTree(tree, text, pruning, deadline), hasErrors: hasSyntaxErrors(tree) };
  }
  const parsed = addon.parse(text, deadline === undefined ? 0 : Math.max(1, deadline.remainingMs() * 1000));
  if (parsed === null || deadline?.passed) throw new BudgetExceeded(deadline?.timeoutMs ?? 0, 'parsing');
  return { root: liteTreeOfRecords(parsed.records, text, addonGrammar(addon), pruning, deadline), hasErrors: parsed.hasError };
}

/** What native/tree_records.c exports. */
interface TreeRecordsAddon {
  /** The tree as records (see `RECORD_LENGTH`), or null when the parse ran past the timeout (0: none). */
  parse(text: string, timeoutMicros: number): { records: Uint32Array; hasError: boolean } | null;
  grammar(): { symbols: string[]; named: boolean[]; fields: (string | null)[] };
}

/** Numbers per node in the addon's records: symbol, field id, start, end, and the records of its subtree. */
const RECORD_LENGTH = 5;

/** Set `LOCKORDER_NATIVE_TREES=0` to copy trees through the binding even where the addon is built. */
const NATIVE_TREES_SWITCH = 'LOCKORDER_NATIVE_TREES';

let addon: TreeRecordsAddon | null | undefined;

/**
 * The addon, loaded on first use, or undefined where it is not built or does not load (another
 * platform, no compiler at install).
 */
function treeRecordsAddon(): TreeRecordsAddon | undefined {
  if (addon === undefined) addon = process.env[NATIVE_TREES_SWITCH] === '0' ? null : loadTreeRecordsAddon();
  return addon ?? undefined;
}

/**
 * The bundle ships the addon beside itself (dist/); a checkout runs this module from
 * out/server/src/analysis and builds the addon into native/build (scripts/build-native.mjs). The
 * paths are written out: nothing here requires a module by a computed name.
 */
function loadTreeRecordsAddon(): TreeRecordsAddon | null {
  try {
    return require('./tree_records.node') as TreeRecordsAddon;
  } catch {
    // Not bundled here, or built for another platform: the checkout's build, else the binding.
  }
  try {
    return require('../../../../native/build/Release/tree_records.node') as TreeRecordsAddon;
  } catch {
    return null;
  }
}

/** Whether trees are parsed and copied natively in this process (see `parseAndCopy`). */
export function nativeTreesAvailable(): boolean {
  return treeRecordsAddon() !== undefined;
}

/** The grammar's names as the copy uses them, by symbol and field id. */
interface RecordGrammar {
  /** By symbol id; ERROR, whose id lies outside the grammar's table, comes last (see `kindOf`). */
  types: string[];
  named: boolean[];
  /** Tokens: never asked for children, as in `liteTree`. */
  leaf: boolean[];
  fields: (string | null)[];
}

let recordGrammar: RecordGrammar | undefined;

function addonGrammar(from: TreeRecordsAddon): RecordGrammar {
  if (recordGrammar === undefined) {
    const { symbols, named, fields } = from.grammar();
    const types = [...symbols, 'ERROR'];
    const isNamed = [...named, true];
    recordGrammar = { types, named: isNamed, leaf: types.map((type, kind) => !isNamed[kind] || NAMED_LEAF_TYPES.has(type)), fields };
  }
  return recordGrammar;
}

/** A record's index into `RecordGrammar`'s tables. */
function kindOf(grammar: RecordGrammar, symbol: number): number {
  return Math.min(symbol, grammar.types.length - 1);
}

/**
 * Builds `LiteNode`s from the addon's records. A record's subtree size says where its children
 * end, so a pruned subtree (see `Pruning`) is stepped over whole.
 */
function liteTreeOfRecords(records: Uint32Array, text: string, grammar: RecordGrammar, pruning?: Pruning, deadline?: Deadline): LiteNode {
  const source = new LiteSource(text);
  const prunable = pruning === undefined ? undefined : grammar.types.map((type) => pruning.types.has(type));
  // The nodes whose children are being copied, innermost last, and the record each one's subtree ends before.
  const open: LiteNode[] = [];
  const ends: number[] = [];
  let root: LiteNode | null = null;
  const count = records.length / RECORD_LENGTH;
  for (let at = 0, copied = 1; at < count; copied++) {
    if (copied % 4096 === 0) deadline?.check('extraction');
    while (ends.length > 0 && ends[ends.length - 1] <= at) {
      open.pop();
      ends.pop();
    }
    const record = at * RECORD_LENGTH;
    const kind = kindOf(grammar, records[record]);
    const parent = open.length > 0 ? open[open.length - 1] : null;
    const node = new LiteNode(grammar.types[kind], parent === null ? null : grammar.fields[records[record + 1]], grammar.named[kind], source);
    node.startIndex = records[record + 2];
    node.endIndex = records[record + 3];
    if (parent === null) root = node;
    else {
      node.parent = parent;
      if (parent.children === NO_CHILDREN) parent.children = [node];
      else parent.children.push(node);
    }
    const size = records[record + 4];
    const pruned = prunable !== undefined && prunable[kind] && pruning!.test(node);
    if (size > 1 && !pruned && !grammar.leaf[kind]) {
      open.push(node);
      ends.push(at + size);
      at++;
    } else at += size;
  }
  return root!;
}
