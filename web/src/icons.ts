import { s } from './dom';
import type { ConnectionState, KpiStatus } from './types';

// Inline SVG icons. Status icons differ in shape as well as in colour (circle, triangle, octagon, ring),
// so that they read without colour.

function icon(className: string, ...children: SVGElement[]): SVGSVGElement {
  return s(
    'svg',
    { class: `icon ${className}`, viewBox: '0 0 20 20', 'aria-hidden': 'true', focusable: 'false' },
    ...children,
  );
}

const glyph = (d: string): SVGPathElement =>
  s('path', {
    d,
    fill: 'none',
    stroke: 'var(--icon-glyph, #fff)',
    'stroke-width': 2.4,
    'stroke-linecap': 'round',
    'stroke-linejoin': 'round',
  });

export function statusIcon(status: KpiStatus): SVGSVGElement {
  switch (status) {
    case 'green':
      return icon(
        'icon-status',
        s('circle', { cx: 10, cy: 10, r: 9, fill: 'currentColor' }),
        glyph('M5.8 10.4l2.8 2.8 5.6-6'),
      );
    case 'amber':
      return icon(
        'icon-status',
        s('path', { d: 'M10 1.6 19 17.6H1z', fill: 'currentColor', 'stroke-linejoin': 'round' }),
        glyph('M10 7.4v4.4'),
        s('circle', { cx: 10, cy: 14.9, r: 1.3, fill: 'var(--icon-glyph, #fff)' }),
      );
    case 'red':
      return icon(
        'icon-status',
        s('path', { d: 'M6.3 1h7.4L19 6.3v7.4L13.7 19H6.3L1 13.7V6.3z', fill: 'currentColor' }),
        glyph('M6.8 6.8l6.4 6.4M13.2 6.8l-6.4 6.4'),
      );
    case 'missing':
      return icon(
        'icon-status',
        s('circle', { cx: 10, cy: 10, r: 8, fill: 'none', stroke: 'currentColor', 'stroke-width': 2 }),
        s('path', { d: 'M6.5 10h7', stroke: 'currentColor', 'stroke-width': 2.4, 'stroke-linecap': 'round' }),
      );
  }
}

export function redLineIcon(): SVGSVGElement {
  return icon(
    'icon-redline',
    s('path', { d: 'M10 1.5 18.5 17H1.5z', fill: 'currentColor' }),
    glyph('M10 7v4.6'),
    s('circle', { cx: 10, cy: 14.3, r: 1.3, fill: 'var(--icon-glyph, #fff)' }),
  );
}

export function connectionIcon(state: ConnectionState): SVGSVGElement {
  switch (state) {
    case 'live':
      return icon(
        'icon-conn',
        s('circle', {
          class: 'pulse-ring',
          cx: 10,
          cy: 10,
          r: 8,
          fill: 'none',
          stroke: 'currentColor',
          'stroke-width': 2,
        }),
        s('circle', { cx: 10, cy: 10, r: 4.5, fill: 'currentColor' }),
      );
    case 'reconnecting':
      return icon(
        'icon-conn icon-spin',
        s('path', {
          d: 'M17 10a7 7 0 1 1-2.05-4.95',
          fill: 'none',
          stroke: 'currentColor',
          'stroke-width': 2.4,
          'stroke-linecap': 'round',
        }),
        s('path', {
          d: 'M15.5 1.8v3.9h-3.9',
          fill: 'none',
          stroke: 'currentColor',
          'stroke-width': 2.4,
          'stroke-linecap': 'round',
          'stroke-linejoin': 'round',
        }),
      );
    case 'offline':
      return icon(
        'icon-conn',
        s('circle', { cx: 10, cy: 10, r: 8, fill: 'none', stroke: 'currentColor', 'stroke-width': 2 }),
        s('path', { d: 'M4.5 15.5l11-11', stroke: 'currentColor', 'stroke-width': 2.2, 'stroke-linecap': 'round' }),
      );
  }
}

export function pulseLogo(): SVGSVGElement {
  return s(
    'svg',
    { class: 'logo', viewBox: '0 0 32 32', 'aria-hidden': 'true', focusable: 'false' },
    s('rect', { x: 1, y: 1, width: 30, height: 30, rx: 8, fill: 'var(--brand)' }),
    s('path', {
      d: 'M5 17h5l2.6-6.5 4.4 12 3.2-8.5 1.8 3H27',
      fill: 'none',
      stroke: '#fff',
      'stroke-width': 2.4,
      'stroke-linecap': 'round',
      'stroke-linejoin': 'round',
    }),
  );
}

export function chevron(): SVGSVGElement {
  return icon(
    'icon-chevron',
    s('path', {
      d: 'M7.5 4.5 13 10l-5.5 5.5',
      fill: 'none',
      stroke: 'currentColor',
      'stroke-width': 2,
      'stroke-linecap': 'round',
      'stroke-linejoin': 'round',
    }),
  );
}

export function globeIcon(): SVGSVGElement {
  return icon(
    'icon-globe',
    s('circle', { cx: 10, cy: 10, r: 8, fill: 'none', stroke: 'currentColor', 'stroke-width': 1.6 }),
    s('path', {
      d: 'M2 10h16M10 2c2.4 2.4 3.4 5 3.4 8s-1 5.6-3.4 8c-2.4-2.4-3.4-5-3.4-8s1-5.6 3.4-8z',
      fill: 'none',
      stroke: 'currentColor',
      'stroke-width': 1.6,
    }),
  );
}

export function bellIcon(): SVGSVGElement {
  return icon(
    'icon-bell',
    s('path', {
      d: 'M10 2.5a5 5 0 0 0-5 5v3.2L3.3 13.6a.8.8 0 0 0 .7 1.2h12a.8.8 0 0 0 .7-1.2L15 10.7V7.5a5 5 0 0 0-5-5z',
      fill: 'none',
      stroke: 'currentColor',
      'stroke-width': 1.7,
      'stroke-linejoin': 'round',
    }),
    s('path', { d: 'M8 16.8a2.1 2.1 0 0 0 4 0', fill: 'none', stroke: 'currentColor', 'stroke-width': 1.7 }),
  );
}

export function closeIcon(): SVGSVGElement {
  return icon(
    'icon-close',
    s('path', { d: 'M5 5l10 10M15 5 5 15', stroke: 'currentColor', 'stroke-width': 2, 'stroke-linecap': 'round' }),
  );
}
