// A chart's shapes (chartGeometry.ts) drawn as vectors in a PDF, scaled to the width given.
import type { PdfBook } from '../exports/pdfLayout.js';
import type { Chart } from './chartGeometry.js';

/** Draws the chart `width` points wide at the cursor (on a new page if it does not fit), and moves below it. */
export function drawChart(book: PdfBook, chart: Chart, width: number): void {
  const scale = width / chart.width;
  const top = book.reserve(chart.height * scale);
  const left = book.left;
  const X = (x: number) => left + x * scale;
  const Y = (y: number) => top + y * scale;
  for (const shape of chart.shapes) {
    switch (shape.kind) {
      case 'rect':
        book.drawRect(X(shape.x), Y(shape.y), shape.width * scale, shape.height * scale, shape.fill);
        break;
      case 'line':
        book.drawPolyline(
          [
            [X(shape.x1), Y(shape.y1)],
            [X(shape.x2), Y(shape.y2)],
          ],
          shape.stroke,
          shape.strokeWidth * scale,
        );
        break;
      case 'polyline':
        book.drawPolyline(
          shape.points.map(([x, y]) => [X(x), Y(y)] as [number, number]),
          shape.stroke,
          shape.strokeWidth * scale,
          shape.dash.map((length) => length * scale),
        );
        break;
      case 'marker': {
        const half = (shape.size / 2) * scale;
        const [x, y] = [X(shape.x), Y(shape.y)];
        if (shape.shape === 'circle') book.drawCircle(x, y, half, shape.fill);
        else if (shape.shape === 'square') book.drawRect(x - half, y - half, 2 * half, 2 * half, shape.fill);
        else
          book.drawPolygon(
            [
              [x, y - half - scale],
              [x + half + scale, y + half],
              [x - half - scale, y + half],
            ],
            shape.fill,
          );
        break;
      }
      case 'text':
        book.drawText(X(shape.x), Y(shape.y), shape.text, shape.size * scale, {
          bold: shape.bold,
          anchor: shape.anchor,
        });
        break;
    }
  }
}
