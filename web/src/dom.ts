// A few DOM helpers: build elements, and change text or attributes only when they differ, so that a
// live update touches nothing that did not change (no flicker, no layout work).

type Child = Node | string | null | undefined | false;
type AttrValue = string | number | boolean | null | undefined;
export type Attrs = Record<string, AttrValue | ((event: Event) => void)>;

function apply(el: Element, attrs: Attrs | undefined): void {
  if (attrs === undefined) return;
  for (const [name, value] of Object.entries(attrs)) {
    if (typeof value === 'function') el.addEventListener(name.slice(2).toLowerCase(), value);
    else if (value === null || value === undefined || value === false) continue;
    else el.setAttribute(name, value === true ? '' : String(value));
  }
}

function append(el: Element, children: readonly Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child);
  }
}

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs?: Attrs,
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  apply(el, attrs);
  append(el, children);
  return el;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

export function s<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs?: Attrs,
  ...children: Child[]
): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG_NS, tag);
  apply(el, attrs);
  append(el, children);
  return el;
}

// true when the text changed
export function setText(el: Element, text: string): boolean {
  if (el.textContent === text) return false;
  el.textContent = text;
  return true;
}

export function setAttr(el: Element, name: string, value: string | null): void {
  if (value === null) {
    if (el.hasAttribute(name)) el.removeAttribute(name);
  } else if (el.getAttribute(name) !== value) el.setAttribute(name, value);
}

export function setHidden(el: HTMLElement | SVGElement, hidden: boolean): void {
  if (el instanceof HTMLElement) {
    if (el.hidden !== hidden) el.hidden = hidden;
  } else setAttr(el, 'display', hidden ? 'none' : null);
}

export function setStyle(el: HTMLElement, prop: string, value: string): void {
  if (el.style.getPropertyValue(prop) !== value) el.style.setProperty(prop, value);
}

// a short highlight on a value that just changed (respects reduced motion)
export function flash(el: HTMLElement): void {
  if (typeof el.animate !== 'function') return;
  if (window.matchMedia('(prefers-reduced-motion: reduce)').matches) return;
  el.animate([{ backgroundColor: 'var(--flash)' }, { backgroundColor: 'transparent' }], {
    duration: 1400,
    easing: 'ease-out',
  });
}

// Keeps one child per key in a container, in the given order, creating and removing as needed.
export class Keyed<T, V extends { el: HTMLElement }> {
  private readonly items = new Map<string, V>();

  constructor(
    private readonly container: HTMLElement,
    private readonly create: (item: T) => V,
    private readonly update: (view: V, item: T) => void,
  ) {}

  sync(entries: readonly (readonly [string, T])[]): void {
    const seen = new Set<string>();
    let previous: Element | null = null;
    for (const [key, item] of entries) {
      seen.add(key);
      let view = this.items.get(key);
      if (view === undefined) {
        view = this.create(item);
        this.items.set(key, view);
      }
      this.update(view, item);
      const expected: Element | null =
        previous === null ? this.container.firstElementChild : previous.nextElementSibling;
      if (expected !== view.el) {
        if (previous === null) this.container.prepend(view.el);
        else previous.after(view.el);
      }
      previous = view.el;
    }
    for (const [key, view] of this.items) {
      if (seen.has(key)) continue;
      view.el.remove();
      this.items.delete(key);
    }
  }

  get size(): number {
    return this.items.size;
  }

  values(): IterableIterator<V> {
    return this.items.values();
  }
}
