// A chart's shapes (chartGeometry.ts) as SVG markup for a page: drawn on the server, scaled by its viewBox to the
// width of its column, every piece of text escaped, and named for assistive technology by its summary sentence.
import type { Chart, Shape } from './chartGeometry.js';

const escapes: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Text for SVG markup or an attribute. */
export function escapeSvg(text: string): string {
  return text.replace(/[&<>"']/g, (character) => escapes[character]!);
}

const n = (value: number) => String(Math.round(value * 10) / 10);

function marker(shape: Extract<Shape, { kind: 'marker' }>): string {
  const { x, y, size, fill } = shape;
  const half = size / 2;
  if (shape.shape === 'circle') return `<circle cx="${n(x)}" cy="${n(y)}" r="${n(half)}" fill="${fill}"/>`;
  if (shape.shape === 'square')
    return `<rect x="${n(x - half)}" y="${n(y - half)}" width="${n(size)}" height="${n(size)}" fill="${fill}"/>`;
  return `<polygon points="${n(x)},${n(y - half - 1)} ${n(x + half + 1)},${n(y + half)} ${n(x - half - 1)},${n(y + half)}" fill="${fill}"/>`;
}

function shapeSvg(shape: Shape): string {
  switch (shape.kind) {
    case 'rect':
      return `<rect x="${n(shape.x)}" y="${n(shape.y)}" width="${n(shape.width)}" height="${n(shape.height)}" fill="${shape.fill}"/>`;
    case 'line':
      return `<line x1="${n(shape.x1)}" y1="${n(shape.y1)}" x2="${n(shape.x2)}" y2="${n(shape.y2)}" stroke="${shape.stroke}" stroke-width="${n(shape.strokeWidth)}"/>`;
    case 'polyline':
      return `<polyline points="${shape.points.map(([x, y]) => `${n(x)},${n(y)}`).join(' ')}" fill="none" stroke="${shape.stroke}" stroke-width="${n(shape.strokeWidth)}"${shape.dash.length > 0 ? ` stroke-dasharray="${shape.dash.join(' ')}"` : ''}/>`;
    case 'marker':
      return marker(shape);
    case 'text':
      return `<text x="${n(shape.x)}" y="${n(shape.y)}" font-size="${shape.size}" text-anchor="${shape.anchor}"${shape.bold ? ' font-weight="bold"' : ''}>${escapeSvg(shape.text)}</text>`;
  }
}

/**
 * The chart as an <svg> element that fills its column's width. `label` (the chart's summary sentence) names it; the
 * shapes inside are hidden from screen readers, which read the summary and the data table instead.
 */
export function chartSvg(chart: Chart, label: string, className: string): string {
  return (
    `<svg class="hw-chart ${className}" viewBox="0 0 ${chart.width} ${chart.height}" width="100%" role="img" aria-label="${escapeSvg(label)}" focusable="false" font-family="arial, sans-serif" fill="#0b0c0c">` +
    `<g aria-hidden="true">${chart.shapes.map(shapeSvg).join('')}</g></svg>`
  );
}
