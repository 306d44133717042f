/**
 * The keyboard's way into the graph: a listbox of the locks and edges in view. It is one tab stop
 * (arrow keys, Home and End move, and the item under the cursor is selected at once); the
 * active item is announced through aria-activedescendant, so thousands of items cost no focus
 * juggling.
 */
import { h } from './dom';
import type { ElementRef } from './graphView';

export interface ListItem {
  ref: ElementRef;
  text: string;
  onCycle: boolean;
}

export class ElementList {
  private items: ListItem[] = [];
  private options: HTMLLIElement[] = [];
  private active = -1;

  constructor(
    private readonly listbox: HTMLUListElement,
    private readonly choose: (ref: ElementRef) => void,
  ) {
    listbox.setAttribute('role', 'listbox');
    listbox.tabIndex = 0;
    listbox.addEventListener('keydown', (event) => this.onKey(event));
    listbox.addEventListener('click', (event) => {
      const option = (event.target as Element).closest('li');
      const index = option ? this.options.indexOf(option as HTMLLIElement) : -1;
      if (index >= 0) this.activate(index, true);
    });
  }

  setItems(items: ListItem[]): void {
    this.items = items;
    this.options = items.map((item, i) =>
      h('li', { id: `lo-option-${i}`, role: 'option', class: item.onCycle ? 'lo-option lo-on-cycle' : 'lo-option', 'aria-selected': 'false' }, item.text),
    );
    this.listbox.replaceChildren(...this.options);
    this.active = -1;
    this.listbox.removeAttribute('aria-activedescendant');
  }

  /** Follows a selection made elsewhere (a click in the graph) without choosing again. */
  reflect(ref: ElementRef | null): void {
    const index = ref ? this.items.findIndex((item) => item.ref.kind === ref.kind && item.ref.id === ref.id) : -1;
    this.activate(index, false);
  }

  private onKey(event: KeyboardEvent): void {
    const last = this.items.length - 1;
    const moves: Record<string, number> = {
      ArrowDown: Math.min(last, this.active + 1),
      ArrowUp: Math.max(0, this.active - 1),
      Home: 0,
      End: last,
      PageDown: Math.min(last, this.active + 10),
      PageUp: Math.max(0, this.active - 10),
      Enter: Math.max(0, this.active),
      ' ': Math.max(0, this.active),
    };
    const next = moves[event.key];
    if (next === undefined || last < 0) return;
    event.preventDefault();
    this.activate(next, true);
  }

  private activate(index: number, choose: boolean): void {
    this.options[this.active]?.setAttribute('aria-selected', 'false');
    this.options[this.active]?.classList.remove('lo-active');
    this.active = index;
    const option = this.options[index];
    if (!option) {
      this.listbox.removeAttribute('aria-activedescendant');
      return;
    }
    option.setAttribute('aria-selected', 'true');
    option.classList.add('lo-active');
    this.listbox.setAttribute('aria-activedescendant', option.id);
    option.scrollIntoView({ block: 'nearest' });
    if (choose) this.choose(this.items[index].ref);
  }
}
