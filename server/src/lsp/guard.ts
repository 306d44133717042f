/**
 * Every LSP handler runs through `guarded`: an exception is logged with the handler's name and the
 * request gets a harmless answer, so one bad input never stops the server answering the next.
 */
export interface ErrorLog {
  error(message: string): void;
}

export function guarded<P extends unknown[], R>(log: ErrorLog, name: string, fallback: R, handler: (...args: P) => R | Promise<R>): (...args: P) => Promise<R> {
  return async (...args: P) => {
    try {
      return await handler(...args);
    } catch (error) {
      log.error(`Lockorder: ${name} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      return fallback;
    }
  };
}
