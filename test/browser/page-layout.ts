import type { Page } from 'playwright-core';

// Layout faults a person sees at once, checked in the page (as scripts: these specs compile without the
// DOM's types), within `scope` (a CSS selector; the whole page by default).

// What sticks out of the viewport sideways: the page's own scroll width, and every visible element's box
// outside a box that clips or scrolls it.
const overflowingIn = (scope: string) => `(() => {
  const width = window.innerWidth;
  const inScroller = (el) => {
    for (let p = el.parentElement; p !== null && p !== document.body; p = p.parentElement)
      if (getComputedStyle(p).overflowX !== 'visible') return true;
    return false;
  };
  const out = [];
  if (document.documentElement.scrollWidth > width) out.push('page ' + document.documentElement.scrollWidth + 'px');
  for (const el of document.querySelectorAll(${JSON.stringify(`${scope} *`)})) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0 || getComputedStyle(el).visibility === 'hidden') continue;
    if (inScroller(el)) continue; // a wide table scrolls sideways in its own box, which is checked
    if (box.left < -0.5 || box.right > width + 0.5)
      out.push(el.tagName.toLowerCase() + '.' + el.getAttribute('class') + ' ' + box.left + '…' + box.right);
  }
  return out;
})()`;

// Texts drawn over one another (a long scorecard name under a total, a chip over a label): each visible
// text node's line boxes against every other's, the page scrolled to its top; text in a 1 px box is for
// screen readers only.
const overlappingIn = (scope: string) => `(() => {
  window.scrollTo(0, 0); // scrolled, the sticky top bar lies over the page by design
  const boxes = [];
  for (const root of document.querySelectorAll(${JSON.stringify(scope)})) {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n !== null; n = walker.nextNode()) {
      const el = n.parentElement;
      if (n.textContent.trim() === '' || el === null) continue;
      const own = el.getBoundingClientRect();
      const style = getComputedStyle(el);
      if (own.width <= 1 || own.height <= 1 || style.visibility === 'hidden' || style.opacity === '0') continue;
      const range = document.createRange();
      range.selectNodeContents(n);
      // a text cut short with an ellipsis is drawn only inside its element's box
      const clipped = style.overflowX !== 'visible';
      for (const line of range.getClientRects()) {
        const r = clipped
          ? { top: line.top, bottom: line.bottom, left: Math.max(line.left, own.left), right: Math.min(line.right, own.right) }
          : line;
        if (r.right - r.left > 0 && r.bottom - r.top > 0) boxes.push({ r, n });
      }
    }
  }
  boxes.sort((a, b) => a.r.top - b.r.top);
  const out = [];
  for (let i = 0; i < boxes.length; i++) {
    const a = boxes[i];
    for (let j = i + 1; j < boxes.length && boxes[j].r.top < a.r.bottom - 2; j++) {
      const b = boxes[j];
      const x = Math.min(a.r.right, b.r.right) - Math.max(a.r.left, b.r.left);
      const y = Math.min(a.r.bottom, b.r.bottom) - Math.max(a.r.top, b.r.top);
      // a glyph box is taller than a tight line box: a quarter of the smaller text's height is an overlap
      if (a.n !== b.n && x > 2 && y > Math.max(2, Math.min(a.r.bottom - a.r.top, b.r.bottom - b.r.top) / 4))
        out.push(a.n.textContent.trim() + ' × ' + b.n.textContent.trim());
    }
  }
  return out;
})()`;

// Both, as one value to compare with `{ overflowing: [], overlapping: [] }`: a failure names every fault.
export const layoutFaults = async (
  page: Page,
  scope = 'body',
): Promise<{ overflowing: string[]; overlapping: string[] }> => ({
  overflowing: await page.evaluate<string[]>(overflowingIn(scope)),
  overlapping: await page.evaluate<string[]>(overlappingIn(scope)),
});
