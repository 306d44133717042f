/**
 * Hover on a lock (an acquisition, a release, or the lock's declaration): its class and kind, the
 * locks held when it is taken and those taken while it is held, each with links to the places that
 * say so, the cycles it is on, the orders declared for it, and a link to the graph. What lockdep
 * saw at runtime (imported or open reports) is said on the orders and cycles it saw.
 */
import { MarkupKind, type Hover, type Position } from 'vscode-languageserver/node';
import type { GraphSiteJson } from '../analysis/graphJson';
import type { DeclaredOrderRef, LockNeighbour } from './engine/messages';
import type { LockIndex } from './lockIndex';
import { SHOW_GRAPH_COMMAND, type ShowGraphArgs } from './protocol';
import { baseNameOfUri, isUri, markdownTarget } from './uris';

/** Neighbours listed per direction; the rest are counted. */
const MAX_NEIGHBOURS = 8;

export function hoverAt(index: LockIndex, uri: string, position: Position): Hover | null {
  const ref = index.referenceAt(uri, position);
  if (!ref) return null;
  const id = ref.cls;
  const lock = index.lock(id);
  const lines: string[] = [];
  lines.push(`**Lock \`${id}\`** · ${lock?.kind ?? ref.kind}${lock ? ` (${lock.family})` : ''}`);
  if (!lock) {
    lines.push('', 'Not taken anywhere in the analysed files.');
  } else {
    lines.push('', ...neighbours('Held when it is taken', lock.heldBefore));
    lines.push('', ...neighbours('Taken while it is held', lock.takenAfter));
    if (lock.cycles.length > 0) {
      lines.push('', `**On ${count(lock.cycles.length, 'cycle')}** (possible deadlock):`);
      for (const { locks, lockdep } of lock.cycles) {
        lines.push(`- ${[...locks, locks[0]].map(code).join(' → ')}${lockdep ? ` — ${lockdep} at runtime by lockdep` : ''}`);
      }
    }
    if (lock.lockdepSplit) lines.push('', `Cycles through it are not reported: ${escapeText(lock.lockdepSplit)}.`);
  }
  const declared = index.declaredOrdersOf(id);
  if (declared.length > 0) {
    lines.push('', '**Declared order:**');
    for (const order of declared) lines.push(`- ${order.locks.map(code).join(' → ')} (${declaredWhere(order)})`);
  }
  const args: ShowGraphArgs = { focus: id, uri };
  lines.push('', `[Show in graph](command:${SHOW_GRAPH_COMMAND}?${encodeURIComponent(JSON.stringify([args]))})`);
  return { contents: { kind: MarkupKind.Markdown, value: lines.join('\n') }, range: ref.range };
}

function neighbours(title: string, list: LockNeighbour[]): string[] {
  if (list.length === 0) return [`**${title}:** none`];
  const sorted = [...list].sort((a, b) => b.count - a.count || (a.id < b.id ? -1 : 1));
  const lines = [`**${title}:** ${count(list.length, 'lock')}`];
  for (const n of sorted.slice(0, MAX_NEIGHBOURS)) {
    const more = n.count > n.sites.length ? ` and ${n.count - n.sites.length} more` : '';
    const runtime = n.lockdep > 0 ? `, ${n.lockdep === n.count ? '' : `${n.lockdep} `}seen at runtime by lockdep` : '';
    lines.push(`- ${code(n.id)}${n.onCycle ? ' ⚠' : ''}, ${count(n.count, 'site')}${runtime}: ${n.sites.map(siteLink).join(', ')}${more}`);
  }
  if (sorted.length > MAX_NEIGHBOURS) lines.push(`- and ${count(sorted.length - MAX_NEIGHBOURS, 'more lock')}`);
  return lines;
}

function siteLink(site: GraphSiteJson): string {
  const text = escapeText(`${baseNameOfUri(site.file)}:${site.line}`);
  // A runtime site can lie in an imported report that is no file (the clipboard).
  return isUri(site.file) ? `[${text}](${markdownTarget(site.file)}#L${site.line})` : text;
}

function declaredWhere(order: DeclaredOrderRef): string {
  if (!isUri(order.file)) return 'in the settings';
  const line = order.range.start.line + 1;
  return `[${escapeText(`${baseNameOfUri(order.file)}:${line}`)}](${markdownTarget(order.file)}#L${line})`;
}

function code(text: string): string {
  return `\`${text.replace(/`/g, "'")}\``;
}

function escapeText(text: string): string {
  return text.replace(/[\\[\]*_`]/g, '\\$&');
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
