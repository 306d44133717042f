/**
 * For the quick-fix tests: fixtures, the engine as the language server would call it, and checks
 * written independently of server/src/analysis/fixes (applying edits, counting lock calls).
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { CodeFix } from '../../server/src/analysis/fixes';
import type { Finding } from '../../server/src/analysis/findings';
import { DEFAULT_CATALOGUE } from '../../server/src/analysis/lockApis';
import { SyntaxNode, countErrorNodes, parseC } from '../../server/src/analysis/parser';
import { analyzeTexts } from '../../server/src/analysis/program';
import { repoRoot } from '../repoRoot';

export { repoRoot };


export function readRepoFile(path: string): string {
  return readFileSync(join(repoRoot(), path), 'utf8');
}

/** Every .c file under these repository directories, as repository-relative paths. */
export function cFilesUnder(...dirs: string[]): string[] {
  const out: string[] = [];
  const walk = (abs: string) => {
    for (const name of readdirSync(abs).sort()) {
      const path = join(abs, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith('.c')) out.push(relative(repoRoot(), path));
    }
  };
  for (const dir of dirs) if (existsSync(join(repoRoot(), dir))) walk(join(repoRoot(), dir));
  return out;
}

/** One file analysed on its own: what the fixes re-run on their edited copies. */
export function analyzeOne(file: string, text: string): Finding[] {
  return analyzeTexts([{ file, text }]).findings;
}

export function findingIn(findings: Finding[], code: string, fn: string): Finding {
  const found = findings.find((f) => f.code === code && f.function === fn);
  if (!found) throw new Error(`no ${code} in ${fn}(): ${findings.map((f) => `${f.code}@${f.function}`).join(', ')}`);
  return found;
}

/** Applies a fix's edits back to front, by line and column. */
export function applyFix(text: string, fix: CodeFix): string {
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') lineStarts.push(i + 1);
  const offset = (p: { line: number; character: number }) => lineStarts[p.line] + p.character;
  const edits = fix.edits
    .map((e) => ({ start: offset(e.range.start), end: offset(e.range.end), newText: e.newText }))
    .sort((a, b) => b.start - a.start);
  let out = text;
  for (const e of edits) out = out.slice(0, e.start) + e.newText + out.slice(e.end);
  return out;
}

/** A function's definition, from the line naming it to its closing brace at column 0. */
export function functionText(text: string, name: string): string {
  const header = new RegExp(`^[^\\s].*\\b${name}\\(`, 'm').exec(text);
  if (!header) throw new Error(`no function ${name}`);
  const end = text.indexOf('\n}\n', header.index);
  return text.slice(header.index, end + 3);
}

/** Lock API calls as `name(args)` with their counts. */
export function lockCalls(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const call of parseC(text).rootNode.descendantsOfType('call_expression')) {
    const name = call.childForFieldName('function')?.text ?? '';
    if (!DEFAULT_CATALOGUE.get(name)) continue;
    const key = name + call.childForFieldName('arguments')!.text.replace(/\s+/g, '');
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

export function errorCount(text: string): number {
  return countErrorNodes(parseC(text).rootNode);
}

/** The function definitions of a parse, with their names and line spans. */
export function functionSpans(text: string): { name: string; startLine: number; endLine: number; node: SyntaxNode }[] {
  return parseC(text)
    .rootNode.descendantsOfType('function_definition')
    .map((node) => ({
      name: node.childForFieldName('declarator')?.descendantsOfType('identifier')[0]?.text ?? '',
      startLine: node.startPosition.row,
      endLine: node.endPosition.row,
      node,
    }));
}
