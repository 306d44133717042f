import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { showGraphArgs } from '../../client/src/graph/commandArgs';
import {
  exportContent,
  parsePageMessage,
  positionInDocument,
  siteColumn,
  siteTarget,
  type SiteScope,
} from '../../client/src/graph/pageMessages';

const WS = path.resolve('/work/ws');
const scope: SiteScope = { folders: [WS], openPaths: [], openUris: [] };
const uri = (file: string) => pathToFileURL(file).href;

describe('graph panel: page message shapes', () => {
  it('accepts the three messages the page sends, and copies only their fields', () => {
    assert.deepEqual(parsePageMessage({ type: 'ready', extra: 1 }), { ok: true, value: { type: 'ready' } });
    assert.deepEqual(parsePageMessage({ type: 'openSite', file: 'file:///a.c', line: 3, column: 1, command: 'x' }), {
      ok: true,
      value: { type: 'openSite', file: 'file:///a.c', line: 3, column: 1 },
    });
    assert.deepEqual(parsePageMessage({ type: 'export', format: 'json', data: '{}' }), {
      ok: true,
      value: { type: 'export', format: 'json', data: '{}' },
    });
  });

  it('refuses anything else', () => {
    const bad: unknown[] = [
      null,
      'ready',
      [{ type: 'ready' }],
      { type: 'openFile', file: 'file:///a.c' },
      { type: 'openSite', file: 'file:///a.c', line: 0, column: 1 },
      { type: 'openSite', file: 'file:///a.c', line: 1.5, column: 1 },
      { type: 'openSite', file: 'file:///a.c', line: '3', column: 1 },
      { type: 'openSite', file: 'file:///a.c', line: 3, column: -1 },
      { type: 'openSite', file: 'file:///a.c', line: Number.NaN, column: 1 },
      { type: 'openSite', file: 'file:///a.c', line: 2 ** 60, column: 1 },
      { type: 'openSite', file: '', line: 1, column: 1 },
      { type: 'openSite', file: 'x'.repeat(5000), line: 1, column: 1 },
      { type: 'openSite', file: { path: '/a.c' }, line: 1, column: 1 },
      { type: 'export', format: 'exe', data: '' },
      { type: 'export', format: 'svg', data: 42 },
    ];
    for (const message of bad) assert.equal(parsePageMessage(message).ok, false, JSON.stringify(message)?.slice(0, 80));
  });
});

describe('graph panel: which sites may be opened', () => {
  const target = (file: string, s: SiteScope = scope) => siteTarget(file, s);

  it('opens file URIs and absolute paths inside a workspace folder', () => {
    assert.deepEqual(target(uri(path.join(WS, 'net/core/dev.c'))), { ok: true, value: { kind: 'path', path: path.join(WS, 'net/core/dev.c') } });
    assert.deepEqual(target(path.join(WS, 'abba.c')), { ok: true, value: { kind: 'path', path: path.join(WS, 'abba.c') } });
    // VS Code escapes generously; the server may too.
    assert.deepEqual(target('file:///work/ws/a%20b%2Bc.c'), { ok: true, value: { kind: 'path', path: path.join(WS, 'a b+c.c') } });
  });

  it('refuses files outside every folder, however the way out is spelled', () => {
    for (const file of [
      'file:///etc/passwd',
      '/etc/passwd',
      'file:///work/ws/../ws2/x.c',
      '/work/ws/../../etc/passwd',
      '/work/ws2/x.c', // shares the folder's name as a prefix
      'file:///work/ws/%2E%2E/secret.c',
      'file:///work/ws%2F..%2Fsecret.c', // an encoded separator
      '/work/ws', // the folder itself is no file
    ]) {
      assert.equal(target(file).ok, false, file);
    }
  });

  it('refuses relative paths, remote file URIs and other schemes', () => {
    for (const file of ['abba.c', './abba.c', 'C:abba.c', 'file://evil.example/work/ws/a.c', 'https://example.com/a.c', 'command:workbench.action.terminal.new']) {
      assert.equal(target(file).ok, false, file);
    }
  });

  it('opens a document the editor already has open, in a folder or not', () => {
    const open: SiteScope = { folders: [WS], openPaths: ['/tmp/scratch.c'], openUris: ['untitled:Untitled-1'] };
    assert.deepEqual(target(uri('/tmp/scratch.c'), open), { ok: true, value: { kind: 'path', path: '/tmp/scratch.c' } });
    assert.deepEqual(target('untitled:Untitled-1', open), { ok: true, value: { kind: 'uri', uri: 'untitled:Untitled-1' } });
    assert.equal(target('untitled:Untitled-2', open).ok, false);
    assert.equal(target(uri('/tmp/other.c'), open).ok, false);
  });

  it('with no folder open, only open documents can be opened', () => {
    assert.equal(target(uri(path.join(WS, 'abba.c')), { folders: [], openPaths: [], openUris: [] }).ok, false);
  });

  it('compares Windows paths as Windows does', () => {
    const win: SiteScope = { folders: ['C:\\src\\linux'], openPaths: [], openUris: [] };
    assert.deepEqual(siteTarget('c:\\SRC\\linux\\fs\\inode.c', win, path.win32), { ok: true, value: { kind: 'path', path: 'c:\\SRC\\linux\\fs\\inode.c' } });
    assert.equal(siteTarget('C:\\src\\linux-next\\fs\\inode.c', win, path.win32).ok, false);
    assert.equal(siteTarget('D:\\src\\linux\\fs\\inode.c', win, path.win32).ok, false);
  });
});

describe('graph panel: positions, exports, columns, command arguments', () => {
  const lines = ['int a;', '', 'void f(void) { spin_lock(&l); }'];
  const at = (line: number, column: number) => positionInDocument(line, column, lines.length, (l) => lines[l].length);

  it('turns a 1-based site into a 0-based position, clamped to the document as it is now', () => {
    assert.deepEqual(at(3, 16), { line: 2, character: 15 });
    assert.deepEqual(at(1, 99), { line: 0, character: 6 });
    assert.deepEqual(at(99, 5), { line: 2, character: 4 });
    assert.deepEqual(positionInDocument(7, 3, 0, () => 0), { line: 0, character: 0 });
  });

  it('writes an export only when its data is what its format says', () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
    const pngResult = exportContent('png', `data:image/png;base64,${png.toString('base64')}`);
    assert.ok(pngResult.ok);
    assert.deepEqual(Buffer.from(pngResult.value), png);

    const svg = exportContent('svg', '<svg xmlns="http://www.w3.org/2000/svg"></svg>');
    assert.ok(svg.ok);
    assert.equal(Buffer.from(svg.value).toString('utf8'), '<svg xmlns="http://www.w3.org/2000/svg"></svg>');
    assert.ok(exportContent('svg', '<?xml version="1.0"?>\n<svg>').ok);
    assert.ok(exportContent('json', '{"version":1}').ok);

    assert.equal(exportContent('png', `data:image/gif;base64,${png.toString('base64')}`).ok, false);
    assert.equal(exportContent('png', `data:image/png;base64,${Buffer.from('#!/bin/sh\n').toString('base64')}`).ok, false);
    assert.equal(exportContent('png', 'data:image/png;base64,not base64!').ok, false);
    assert.equal(exportContent('svg', '#!/bin/sh\nrm -rf ~').ok, false);
    assert.equal(exportContent('svg', '<html><svg></svg></html>').ok, false);
    assert.equal(exportContent('json', '{"version":1').ok, false);
  });

  it('opens sites in the first column, or the second when the graph is in the first', () => {
    assert.equal(siteColumn(2), 1);
    assert.equal(siteColumn(undefined), 1);
    assert.equal(siteColumn(1), 2);
  });

  it('takes only well-typed fields from the command argument', () => {
    assert.deepEqual(showGraphArgs({ focus: 'port.lock', uri: 'file:///a.c' }), { focus: 'port.lock', uri: 'file:///a.c' });
    assert.deepEqual(showGraphArgs({ focus: 7, uri: ['x'], other: 'y' }), {});
    assert.deepEqual(showGraphArgs('port.lock'), {});
    assert.deepEqual(showGraphArgs(null), {});
  });
});
