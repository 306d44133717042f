/**
 * The page's colours come only from VS Code's theme variables (with plain-browser fallbacks, see
 * graph.css). Cytoscape draws on a canvas and cannot read CSS variables, so each `--lo-*` variable
 * is resolved to a concrete colour here, and again whenever the theme changes.
 */

export interface Palette {
  background: string;
  foreground: string;
  muted: string;
  nodeFill: string;
  edge: string;
  cycle: string;
  spinning: string;
  sleeping: string;
  focus: string;
  match: string;
  font: string;
}

const COLOUR_VARIABLES = {
  background: '--lo-bg',
  foreground: '--lo-fg',
  muted: '--lo-muted',
  nodeFill: '--lo-node-bg',
  edge: '--lo-edge',
  cycle: '--lo-cycle',
  spinning: '--lo-spinning',
  sleeping: '--lo-sleeping',
  focus: '--lo-focus',
  match: '--lo-match',
} as const satisfies Record<keyof Omit<Palette, 'font'>, string>;

export function readPalette(): Palette {
  const probe = document.createElement('span');
  probe.className = 'lo-probe';
  document.body.append(probe);
  const canvas = document.createElement('canvas').getContext('2d')!;
  const resolve = (variable: string): string => {
    probe.style.color = `var(${variable})`;
    // The canvas turns any CSS colour syntax into #rrggbb or rgba(), both of which Cytoscape reads.
    canvas.fillStyle = '#000000';
    canvas.fillStyle = getComputedStyle(probe).color;
    return String(canvas.fillStyle);
  };
  const colours = Object.fromEntries(
    Object.entries(COLOUR_VARIABLES).map(([name, variable]) => [name, resolve(variable)]),
  ) as Record<keyof typeof COLOUR_VARIABLES, string>;
  const font = getComputedStyle(document.body).fontFamily;
  probe.remove();
  return { ...colours, font };
}

/** VS Code swaps the theme by rewriting the variables on <html> and the theme class on <body>. */
export function onThemeChange(callback: () => void): void {
  const observer = new MutationObserver(callback);
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['style', 'class'] });
  observer.observe(document.body, { attributes: true, attributeFilter: ['class'] });
  matchMedia('(prefers-color-scheme: dark)').addEventListener('change', callback);
}
