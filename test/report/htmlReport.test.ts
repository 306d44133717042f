import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { GraphJson } from '../../server/src/analysis/graphJson';
import { jsonForScript, renderGraphHtml, renderWebviewHtml } from '../../server/src/report/htmlReport';

const GRAPH: GraphJson = {
  version: 1,
  nodes: [
    { id: '</script><script>alert(1)</script>', label: '</script><script>alert(1)</script>', kind: 'mutex', family: 'sleeping', rank: 0, cycle: null, files: ['a.c'] },
    { id: 'b', label: '<!-- b & \u2028 -->', kind: 'spinlock', family: 'spinning', rank: 1, cycle: null, files: ['a.c'] },
  ],
  edges: [
    {
      id: 'e',
      from: '</script><script>alert(1)</script>',
      to: 'b',
      count: 1,
      cycle: null,
      origin: 'static',
      sites: [{ file: 'a.c', line: 3, column: 2, function: 'f', text: 'spin_lock(&b) </style>' }],
    },
  ],
  cycles: [],
};
const ASSETS = { script: 'console.log("</script>")', css: 'body::after { content: "</style>"; }' };

function cspOf(html: string): string {
  const match = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html);
  assert.ok(match, 'a CSP meta element');
  return match[1].replaceAll('&#39;', "'");
}

describe('renderGraphHtml', () => {
  test('declares utf-8 and a nonce CSP that the inlined script and style carry', () => {
    const html = renderGraphHtml(GRAPH, ASSETS, { title: 'Locks <of> fs/' });
    assert.match(html, /^<!DOCTYPE html>/);
    assert.match(html, /<meta charset="utf-8">/);
    const csp = cspOf(html);
    const nonce = /script-src 'nonce-([A-Za-z0-9+/=]+)'/.exec(csp)?.[1];
    assert.ok(nonce && nonce.length >= 16, csp);
    assert.equal(csp, `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; img-src data: blob:`);
    assert.equal(html.match(new RegExp(`<script nonce="${nonce.replace(/[+/]/g, '\\$&')}">`, 'g'))?.length, 1);
    assert.equal(html.match(new RegExp(`<style nonce="${nonce.replace(/[+/]/g, '\\$&')}">`, 'g'))?.length, 1);
    assert.doesNotMatch(html, /unsafe-inline|unsafe-eval/);
    assert.match(html, /<title>Locks &#60;of&#62; fs\/<\/title>/);
  });

  test('uses a fresh nonce for every report', () => {
    assert.notEqual(cspOf(renderGraphHtml(GRAPH, ASSETS)), cspOf(renderGraphHtml(GRAPH, ASSETS)));
  });

  test('embeds the graph as data that no lock name can break out of', () => {
    const html = renderGraphHtml(GRAPH, ASSETS);
    const match = /<script type="application\/json" id="lockorder-data">([^]*?)<\/script>/.exec(html);
    assert.ok(match);
    assert.doesNotMatch(match[1], /[<>]/);
    assert.deepEqual(JSON.parse(match[1]), GRAPH);
    // Two script elements (the data, the page script) and one style element.
    assert.equal(html.match(/<script/g)?.length, 2);
    assert.equal(html.match(/<\/script>/g)?.length, 2);
    assert.equal(html.match(/<\/style>/g)?.length, 1);
  });

  test('keeps inlined assets from closing their own elements', () => {
    const html = renderGraphHtml(GRAPH, ASSETS);
    assert.match(html, /console\.log\("<\\\/script>"\)/);
    assert.match(html, /content: "<\\\/style>"/);
  });

  test('jsonForScript round-trips through JSON.parse', () => {
    const value = { s: '</script> <!-- & \u2028\u2029 >' };
    const text = jsonForScript(value);
    assert.doesNotMatch(text, /[<>&\u2028\u2029]/);
    assert.deepEqual(JSON.parse(text), value);
  });
});

describe('renderWebviewHtml', () => {
  test('loads external assets under the webview CSP and inlines no data', () => {
    const html = renderWebviewHtml({
      scriptUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/out/webview/graph.js',
      cssUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/out/webview/graph.css',
      cspSource: 'https://*.vscode-cdn.net',
      nonce: 'abc123XYZ',
      title: 'Lock graph',
    });
    assert.equal(
      cspOf(html),
      "default-src 'none'; img-src https://*.vscode-cdn.net data: blob:; style-src https://*.vscode-cdn.net; script-src 'nonce-abc123XYZ'",
    );
    assert.match(html, /<script nonce="abc123XYZ" src="https:\/\/file\+\.vscode-resource\.vscode-cdn\.net\/ext\/out\/webview\/graph\.js"><\/script>/);
    assert.match(html, /<link rel="stylesheet" href="https:\/\/file\+\.vscode-resource\.vscode-cdn\.net\/ext\/out\/webview\/graph\.css">/);
    assert.doesNotMatch(html, /lockorder-data|<style|unsafe-inline|unsafe-eval/);
  });

  test('escapes attribute values', () => {
    const html = renderWebviewHtml({ scriptUri: 'x"><script>', cssUri: 'c.css', cspSource: 's', nonce: 'n', title: '<t>' });
    assert.doesNotMatch(html, /x"><script>/);
    assert.match(html, /<title>&#60;t&#62;<\/title>/);
  });
});
