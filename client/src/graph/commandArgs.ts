/**
 * The `lockorder.showGraph` command's argument. It arrives from the palette (none), from a hover's
 * "Show in graph" link (JSON in a `command:` URI) or from anything else that runs commands, so
 * only the fields of the expected type are taken.
 */
import type { ShowGraphArgs } from '../../../server/src/lsp/protocol';

export function showGraphArgs(raw: unknown): ShowGraphArgs {
  if (typeof raw !== 'object' || raw === null) return {};
  const { focus, uri } = raw as Record<string, unknown>;
  return {
    ...(typeof focus === 'string' && { focus }),
    ...(typeof uri === 'string' && { uri }),
  };
}
