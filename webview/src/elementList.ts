/**
 * The keyboard's way into the graph: a listbox of the locks and edges in view. It is one tab stop
 * (arrow keys, Page Up/Down, Home and End move, and the item under the cursor is selected at
 * once); the active item is announced through aria-activedescendant.
 *
 * The whole graph puts thousands of items here, so only the rows in sight (and the active one)
 * exist in the DOM: laying out 5,000 rows would cost more than drawing the graph's first frame.
 */
import { h } from './dom';
import type { ElementRef } from './graphView';

export interface ListItem {
  ref: ElementRef;
  text: string;
  onCycle: boolean;
}

/** Must match `.lo-option { height }` in graph.css. */
const ROW_HEIGHT = 20;
/** Rows rendered beyond each edge of the visible window, so that scrolling shows no gaps. */
const OVERSCAN = 8;

export class ElementList {
  private items: ListItem[] = [];
  private readonly rows = new Map<number, HTMLLIElement>();
  private active = -1;

  constructor(
    private readonly scroller: HTMLElement,
    private readonly listbox: HTMLUListElement,
    private readonly choose: (ref: ElementRef) => void,
  ) {
    listbox.setAttribute('role', 'listbox');
    listbox.tabIndex = 0;
    listbox.addEventListener('keydown', (event) => this.onKey(event));
    listbox.addEventListener('click', (event) => {
      const row = (event.target as Element).closest('li');
      if (row) this.activate(Number(row.dataset.index), true);
    });
    scroller.addEventListener('scroll', () => this.renderWindow());
    new ResizeObserver(() => this.renderWindow()).observe(scroller);
  }

  setItems(items: ListItem[]): void {
    this.items = items;
    this.active = -1;
    this.listbox.removeAttribute('aria-activedescendant');
    this.listbox.style.height = `${items.length * ROW_HEIGHT}px`;
    for (const row of this.rows.values()) row.remove();
    this.rows.clear();
    this.renderWindow();
  }

  /** Follows a selection made elsewhere (a click in the graph) without choosing again. */
  reflect(ref: ElementRef | null): void {
    const index = ref ? this.items.findIndex((item) => item.ref.kind === ref.kind && item.ref.id === ref.id) : -1;
    this.activate(index, false);
  }

  private onKey(event: KeyboardEvent): void {
    const last = this.items.length - 1;
    const page = Math.max(1, Math.floor(this.scroller.clientHeight / ROW_HEIGHT) - 1);
    const moves: Record<string, number> = {
      ArrowDown: Math.min(last, this.active + 1),
      ArrowUp: Math.max(0, this.active - 1),
      Home: 0,
      End: last,
      PageDown: Math.min(last, this.active + page),
      PageUp: Math.max(0, this.active - page),
      Enter: Math.max(0, this.active),
      ' ': Math.max(0, this.active),
    };
    const next = moves[event.key];
    if (next === undefined || last < 0) return;
    event.preventDefault();
    this.activate(next, true);
  }

  private activate(index: number, choose: boolean): void {
    this.rows.get(this.active)?.classList.remove('lo-active');
    this.rows.get(this.active)?.setAttribute('aria-selected', 'false');
    this.active = index;
    if (index < 0 || index >= this.items.length) {
      this.active = -1;
      this.listbox.removeAttribute('aria-activedescendant');
      return;
    }
    this.scrollToRow(index);
    this.renderWindow();
    const row = this.rows.get(index)!;
    row.classList.add('lo-active');
    row.setAttribute('aria-selected', 'true');
    this.listbox.setAttribute('aria-activedescendant', row.id);
    if (choose) this.choose(this.items[index].ref);
  }

  private scrollToRow(index: number): void {
    const top = index * ROW_HEIGHT;
    const listTop = this.listbox.offsetTop;
    if (listTop + top < this.scroller.scrollTop) this.scroller.scrollTop = listTop + top;
    else if (listTop + top + ROW_HEIGHT > this.scroller.scrollTop + this.scroller.clientHeight) {
      this.scroller.scrollTop = listTop + top + ROW_HEIGHT - this.scroller.clientHeight;
    }
  }

  /** Creates the rows in sight (and the active row), and drops the others. */
  private renderWindow(): void {
    const offset = this.scroller.scrollTop - this.listbox.offsetTop;
    const first = Math.max(0, Math.floor(offset / ROW_HEIGHT) - OVERSCAN);
    const last = Math.min(this.items.length - 1, Math.ceil((offset + this.scroller.clientHeight) / ROW_HEIGHT) + OVERSCAN);
    const wanted = (i: number) => (i >= first && i <= last) || i === this.active;
    for (const [i, row] of this.rows) {
      if (!wanted(i)) {
        row.remove();
        this.rows.delete(i);
      }
    }
    for (let i = first; i <= last; i++) if (!this.rows.has(i)) this.rows.set(i, this.row(i));
    if (this.active >= 0 && !this.rows.has(this.active)) this.rows.set(this.active, this.row(this.active));
  }

  private row(index: number): HTMLLIElement {
    const item = this.items[index];
    const row = h(
      'li',
      {
        id: `lo-option-${index}`,
        role: 'option',
        class: item.onCycle ? 'lo-option lo-on-cycle' : 'lo-option',
        'aria-selected': String(index === this.active),
        'aria-setsize': this.items.length,
        'aria-posinset': index + 1,
        'data-index': index,
      },
      item.text,
    );
    if (index === this.active) row.classList.add('lo-active');
    // Rows are placed by CSSOM, which a CSP without 'unsafe-inline' allows (style attributes it would not).
    row.style.top = `${index * ROW_HEIGHT}px`;
    this.listbox.append(row);
    return row;
  }
}
