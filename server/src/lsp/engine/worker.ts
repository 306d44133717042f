/** The engine worker's entry: one session, fed by the main thread's messages. */
import type { MessagePort } from 'node:worker_threads';
import type { FromEngine, ToEngine } from './messages';
import { EngineSession } from './session';

export function runEngineWorker(port: MessagePort): void {
  const session = new EngineSession((message: FromEngine) => port.postMessage(message));
  port.on('message', (message: ToEngine) => {
    // In a worker, process.exit() ends this thread only.
    if (message.type === 'stop') process.exit(0);
    session.handle(message);
  });
}
