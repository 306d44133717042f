import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { GraphSession, type Scheduler, type SessionPorts } from '../../client/src/graph/graphSession';
import type { HostMessage } from '../../client/src/graph/pageMessages';
import type { GraphJson } from '../../server/src/analysis/graphJson';
import type { GraphResult } from '../../server/src/lsp/protocol';

const WS = path.resolve('/work/ws');
const FILE = pathToFileURL(path.join(WS, 'abba.c')).href;
const OTHER = pathToFileURL(path.join(WS, 'other.c')).href;

function graphOf(...ids: string[]): GraphJson {
  const nodes = ids.map((id) => ({ id, label: id, kind: 'mutex', family: 'sleeping' as const, rank: 0, cycle: null, files: [FILE] }));
  return { version: 1, nodes, edges: [], cycles: [] };
}

/** A clock advanced by hand: `run()` runs what is due and waits for it. */
function manualClock() {
  let tasks: { task: () => Promise<void>; cancelled: boolean }[] = [];
  const schedule: Scheduler = (task) => {
    const entry = { task, cancelled: false };
    tasks.push(entry);
    return { cancel: () => (entry.cancelled = true) };
  };
  return {
    schedule,
    pending: () => tasks.filter((t) => !t.cancelled).length,
    run: async () => {
      const due = tasks.filter((t) => !t.cancelled);
      tasks = [];
      await Promise.all(due.map((t) => t.task()));
    },
  };
}

/** Ports that record what the session asks for; the graph served is whatever `serve` holds. */
function fakePorts() {
  const calls = {
    requests: [] as (string | undefined)[],
    posted: [] as HostMessage[],
    opened: [] as unknown[],
    saved: [] as { format: string; content: Buffer }[],
    refused: [] as string[],
    failed: [] as string[],
  };
  let serve: (uri: string | undefined) => Promise<GraphResult> = async (uri) => ({ graph: graphOf('a', 'b'), currentFile: uri });
  let delivered = true;
  const ports: SessionPorts = {
    requestGraph: (uri) => {
      calls.requests.push(uri);
      return serve(uri);
    },
    post: async (message) => {
      if (delivered) calls.posted.push(message);
      return delivered;
    },
    siteScope: () => ({ folders: [WS], openPaths: [], openUris: [] }),
    openSite: async (target, line, column) => void calls.opened.push({ target, line, column }),
    saveExport: async (format, content) => void calls.saved.push({ format, content: Buffer.from(content) }),
    refused: (reason) => void calls.refused.push(reason),
    failed: (what, error) => void calls.failed.push(`${what}: ${String(error)}`),
  };
  return {
    ports,
    calls,
    serve: (next: typeof serve) => (serve = next),
    setDelivered: (value: boolean) => (delivered = value),
  };
}

function start(initial: { uri?: string; focus?: string } = { uri: FILE }) {
  const fake = fakePorts();
  const clock = manualClock();
  const session = new GraphSession(fake.ports, initial, clock.schedule, 10);
  return { ...fake, clock, session };
}

describe('graph panel session: sending the graph', () => {
  it('sends nothing before the page is ready; on ready, the graph with the current file and the focus asked for', async () => {
    const { session, calls, clock } = start({ uri: FILE, focus: 'b' });
    session.analysisChanged();
    session.editorChanged(OTHER);
    assert.equal(clock.pending(), 0);
    assert.deepEqual(calls.requests, []);

    await session.receive({ type: 'ready' });
    assert.deepEqual(calls.requests, [OTHER]);
    assert.deepEqual(calls.posted, [{ type: 'graph', graph: graphOf('a', 'b'), currentFile: OTHER, focus: 'b' }]);
  });

  it('a page shown again gets the graph again, without the old focus', async () => {
    const { session, calls } = start({ uri: FILE, focus: 'b' });
    await session.receive({ type: 'ready' });
    session.pageHidden();
    await session.receive({ type: 'ready' });
    assert.equal(calls.posted.length, 2);
    assert.deepEqual(calls.posted[1], { type: 'graph', graph: graphOf('a', 'b'), currentFile: FILE, focus: undefined });
  });

  it('refreshes once after a burst of changes, and sends only a graph that changed', async () => {
    const { session, calls, clock, serve } = start();
    await session.receive({ type: 'ready' });
    session.analysisChanged();
    session.analysisChanged();
    session.serverStatus('ready');
    assert.equal(clock.pending(), 1);
    await clock.run();
    assert.equal(calls.requests.length, 2);
    assert.equal(calls.posted.length, 1, 'the same graph is not laid out again');

    serve(async (uri) => ({ graph: graphOf('a', 'b', 'c'), currentFile: uri }));
    session.analysisChanged();
    await clock.run();
    assert.equal(calls.posted.length, 2);
    assert.deepEqual(calls.posted[1], { type: 'graph', graph: graphOf('a', 'b', 'c'), currentFile: FILE, focus: undefined });
  });

  it('follows the active editor', async () => {
    const { session, calls, clock } = start();
    await session.receive({ type: 'ready' });
    session.editorChanged(FILE);
    assert.equal(clock.pending(), 0, 'the same document changes nothing');
    session.editorChanged(OTHER);
    await clock.run();
    assert.deepEqual(calls.requests, [FILE, OTHER]);
    assert.deepEqual(calls.posted.at(-1), { type: 'graph', graph: graphOf('a', 'b'), currentFile: OTHER, focus: undefined });
  });

  it('waits for indexing to finish instead of redrawing after every batch', async () => {
    const { session, clock, calls } = start();
    await session.receive({ type: 'ready' });
    session.serverStatus('indexing');
    session.analysisChanged();
    assert.equal(clock.pending(), 0);
    session.serverStatus('ready');
    assert.equal(clock.pending(), 1);
    await clock.run();
    assert.equal(calls.requests.length, 2);
  });

  it('sends nothing while the panel is hidden, and drops a refresh that was due', async () => {
    const { session, calls, clock } = start();
    await session.receive({ type: 'ready' });
    session.analysisChanged();
    session.pageHidden();
    session.analysisChanged();
    await clock.run();
    assert.deepEqual(calls.requests, [FILE]);
  });

  it('of two requests in flight, sends only the newer answer', async () => {
    const { session, calls, clock, serve } = start();
    const answers: ((g: GraphResult) => void)[] = [];
    serve(() => new Promise((resolve) => answers.push(resolve)));
    const ready = session.receive({ type: 'ready' });
    session.analysisChanged();
    const refreshed = clock.run();
    assert.equal(answers.length, 2);
    answers[1]({ graph: graphOf('new'), currentFile: FILE });
    answers[0]({ graph: graphOf('old'), currentFile: FILE });
    await Promise.all([ready, refreshed]);
    assert.deepEqual(calls.posted, [{ type: 'graph', graph: graphOf('new'), currentFile: FILE, focus: undefined }]);
  });

  it('sends the graph again when the page did not receive it', async () => {
    const { session, calls, clock, setDelivered } = start({ uri: FILE, focus: 'a' });
    setDelivered(false);
    await session.receive({ type: 'ready' });
    assert.equal(calls.posted.length, 0);
    setDelivered(true);
    session.analysisChanged();
    await clock.run();
    assert.deepEqual(calls.posted, [{ type: 'graph', graph: graphOf('a', 'b'), currentFile: FILE, focus: 'a' }]);
  });

  it('reports a failed request and sends nothing', async () => {
    const { session, calls, serve } = start();
    serve(() => Promise.reject(new Error('Client is not running')));
    await session.receive({ type: 'ready' });
    assert.deepEqual(calls.posted, []);
    assert.deepEqual(calls.failed, ['get the lock graph from the language server: Error: Client is not running']);
  });
});

describe('graph panel session: focus', () => {
  it('centres at once when the page shows a graph', async () => {
    const { session, calls } = start();
    await session.receive({ type: 'ready' });
    await session.focus('b');
    assert.deepEqual(calls.posted.at(-1), { type: 'focus', id: 'b' });
  });

  it('keeps the focus for the graph when the page has none yet', async () => {
    const { session, calls } = start();
    await session.focus('b');
    assert.deepEqual(calls.posted, []);
    await session.receive({ type: 'ready' });
    assert.deepEqual(calls.posted, [{ type: 'graph', graph: graphOf('a', 'b'), currentFile: FILE, focus: 'b' }]);
  });
});

describe('graph panel session: requests from the page', () => {
  it('opens a site in the workspace at its 1-based line and column', async () => {
    const { session, calls } = start();
    await session.receive({ type: 'openSite', file: FILE, line: 18, column: 2 });
    assert.deepEqual(calls.opened, [{ target: { kind: 'path', path: path.join(WS, 'abba.c') }, line: 18, column: 2 }]);
    assert.deepEqual(calls.refused, []);
  });

  it('opens nothing for a site outside the workspace or a malformed request', async () => {
    const { session, calls } = start();
    await session.receive({ type: 'openSite', file: 'file:///etc/shadow', line: 1, column: 1 });
    await session.receive({ type: 'openSite', file: FILE, line: 0, column: 1 });
    await session.receive({ type: 'runCommand', command: 'workbench.action.terminal.new' });
    assert.deepEqual(calls.opened, []);
    assert.equal(calls.refused.length, 3);
    assert.match(calls.refused[0], /outside the workspace: \/etc\/shadow/);
  });

  it('saves a valid export and refuses one whose data is not its format', async () => {
    const { session, calls } = start();
    await session.receive({ type: 'export', format: 'json', data: '{"version":1}\n' });
    await session.receive({ type: 'export', format: 'svg', data: '#!/bin/sh' });
    assert.deepEqual(
      calls.saved.map((s) => [s.format, s.content.toString('utf8')]),
      [['json', '{"version":1}\n']],
    );
    assert.equal(calls.refused.length, 1);
  });

  it('reports a site that cannot be opened', async () => {
    const { session, calls, ports } = start();
    ports.openSite = () => Promise.reject(new Error('file not found'));
    await session.receive({ type: 'openSite', file: FILE, line: 1, column: 1 });
    assert.deepEqual(calls.failed, ['open the lock site: Error: file not found']);
  });
});
