/**
 * Export of the graph in view: inside VS Code the page hands the data to the extension, which
 * asks where to save it; in a plain browser it becomes a download.
 */
import type cytoscape from 'cytoscape';
import type { GraphJson } from '../../server/src/analysis/graphJson';
import type { Host } from './host';
import type { ExportFormat } from './protocol';
import { toSvg } from './svgExport';
import type { Palette } from './theme';

const MAX_PNG_SIDE = 8192;

export function exportView(format: ExportFormat, cy: cytoscape.Core, graph: GraphJson, palette: Palette, host: Host): void {
  const data = render(format, cy, graph, palette);
  if (host.kind === 'vscode') host.post({ type: 'export', format, data });
  else download(`lockorder-graph.${format}`, toBlob(format, data));
}

function render(format: ExportFormat, cy: cytoscape.Core, graph: GraphJson, palette: Palette): string {
  switch (format) {
    case 'svg':
      return toSvg(cy, palette);
    case 'png':
      return cy.png({ output: 'base64uri', full: true, bg: palette.background, maxWidth: MAX_PNG_SIDE, maxHeight: MAX_PNG_SIDE });
    case 'json':
      return JSON.stringify(graph, null, 2) + '\n';
  }
}

function toBlob(format: ExportFormat, data: string): Blob {
  if (format === 'png') {
    // A data URL cannot be fetched under the report's CSP (connect-src falls back to 'none').
    const bytes = Uint8Array.from(atob(data.slice(data.indexOf(',') + 1)), (c) => c.charCodeAt(0));
    return new Blob([bytes], { type: 'image/png' });
  }
  return new Blob([data], { type: format === 'svg' ? 'image/svg+xml' : 'application/json' });
}

function download(name: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  // The download has taken its copy once click() returns; the URL can go on the next turn.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
