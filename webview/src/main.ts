/**
 * Entry point of the lock-graph page. In VS Code it says `ready` and waits for the graph by
 * message; as a standalone report it reads the graph embedded in the page.
 */
import { GraphPage } from './app';
import { connectHost } from './host';
import { parseGraph, parseHostMessage } from './protocol';
import { buildSkeleton } from './skeleton';

const DATA_ELEMENT_ID = 'lockorder-data';

function start(): void {
  const host = connectHost();
  const ui = buildSkeleton(document.body);
  const page = new GraphPage(host, ui);
  const complain = (error: string) => {
    ui.status.textContent = `Ignored a malformed message (${error}).`;
    console.warn(`lockorder graph: ${error}`);
  };

  if (host.kind === 'vscode') {
    window.addEventListener('message', (event: MessageEvent) => {
      const message = parseHostMessage(event.data);
      if (!message.ok) return complain(message.error);
      if (message.value.type === 'graph') page.showGraph(message.value);
      else page.focus(message.value.id);
    });
    host.post({ type: 'ready' });
    return;
  }

  const embedded = document.getElementById(DATA_ELEMENT_ID)?.textContent;
  if (!embedded) {
    ui.status.textContent = 'This page has no graph data.';
    return;
  }
  let data: unknown;
  try {
    data = JSON.parse(embedded);
  } catch (error) {
    ui.status.textContent = `The embedded graph is not JSON: ${String(error)}`;
    return;
  }
  const graph = parseGraph(data);
  if (graph.ok) page.showGraph({ graph: graph.value });
  else ui.status.textContent = `The embedded graph is malformed: ${graph.error}`;
}

start();
