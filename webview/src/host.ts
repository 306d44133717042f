/**
 * Where the page runs: inside a VS Code webview (posts to the extension, keeps state across
 * hide/restore) or as a standalone report in a plain browser (no one to post to, no state).
 */
import type { PageMessage } from './protocol';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare global {
  // Injected by VS Code into webviews; may be called only once per page.
  function acquireVsCodeApi(): VsCodeApi;
}

export interface Host {
  readonly kind: 'vscode' | 'browser';
  post(message: PageMessage): void;
  loadState(): unknown;
  saveState(state: unknown): void;
}

export function connectHost(): Host {
  if (typeof acquireVsCodeApi !== 'function') {
    return { kind: 'browser', post: () => undefined, loadState: () => undefined, saveState: () => undefined };
  }
  const api = acquireVsCodeApi();
  return {
    kind: 'vscode',
    post: (message) => api.postMessage(message),
    loadState: () => api.getState(),
    saveState: (state) => api.setState(state),
  };
}
