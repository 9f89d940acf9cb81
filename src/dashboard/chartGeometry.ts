// The dashboard's charts as shapes in a box of a given width: one computation of bars, lines, labels and legends that
// the SVG of the pages (chartSvg.ts) and the vector drawing of the PDFs (chartPdf.ts) both draw, so the two agree.
// Colours are GOV.UK's, each at least 3:1 against white; neighbours differ by pattern as well as colour, every bar
// carries its total and every line its own dash and marker, so nothing is told by colour alone.

export type Shape =
  | { kind: 'rect'; x: number; y: number; width: number; height: number; fill: string }
  | { kind: 'line'; x1: number; y1: number; x2: number; y2: number; stroke: string; strokeWidth: number }
  | {
      kind: 'polyline';
      points: [number, number][];
      stroke: string;
      strokeWidth: number;
      /** Dash and gap lengths; none for a solid line. */
      dash: number[];
    }
  | { kind: 'marker'; x: number; y: number; shape: MarkerShape; size: number; fill: string }
  /** y is the text's baseline. */
  | {
      kind: 'text';
      x: number;
      y: number;
      text: string;
      size: number;
      anchor: 'start' | 'middle' | 'end';
      bold: boolean;
    };

export type MarkerShape = 'circle' | 'square' | 'triangle';

export interface Chart {
  width: number;
  height: number;
  shapes: Shape[];
}

/** How a series or a part of a bar is drawn, and named in the legend. */
export interface SeriesStyle {
  label: string;
  colour: string;
  /** White diagonal lines over the colour, to tell neighbours apart without colour. */
  hatched: boolean;
}

export interface LineStyle {
  label: string;
  colour: string;
  dash: number[];
  marker: MarkerShape;
}

const textColour = '#0b0c0c';
const axisColour = '#505a5f';
const gridColour = '#b1b4b6';

/** The widths the pages draw each chart at: wide for a desktop, narrow for a phone (320 CSS px). */
export const wideWidth = 720;
export const narrowWidth = 300;

/** Roughly the width of text in Helvetica or Arial, to fit labels; the data table gives every label whole. */
function textWidth(text: string, size: number): number {
  return text.length * size * 0.55;
}

function fitted(text: string, size: number, room: number): string {
  if (textWidth(text, size) <= room) return text;
  const keep = Math.max(1, Math.floor(room / (size * 0.55)) - 1);
  return `${text.slice(0, keep).trimEnd()}…`;
}

/** White 45° lines across a rectangle, clipped to it. */
function hatch(x: number, y: number, width: number, height: number): Shape[] {
  const lines: Shape[] = [];
  for (let t = -height + 3; t < width; t += 6) {
    let x1 = x + t;
    let y1 = y + height;
    let x2 = x + t + height;
    let y2 = y;
    if (x1 < x) {
      y1 -= x - x1;
      x1 = x;
    }
    if (x2 > x + width) {
      y2 += x2 - (x + width);
      x2 = x + width;
    }
    if (x2 - x1 > 0.5) lines.push({ kind: 'line', x1, y1, x2, y2, stroke: '#ffffff', strokeWidth: 1.5 });
  }
  return lines;
}

function swatch(x: number, y: number, size: number, style: SeriesStyle): Shape[] {
  return [
    { kind: 'rect', x, y, width: size, height: size, fill: style.colour },
    ...(style.hatched ? hatch(x, y, size, size) : []),
  ];
}

/** Legend entries laid left to right, onto a new line when the width is used; returns the height taken. */
function legend(
  shapes: Shape[],
  width: number,
  size: number,
  entries: { label: string; draw: (x: number, y: number) => Shape[] }[],
  /** The width of each entry's key: a swatch, or a stretch of line with its marker. */
  key = size,
): number {
  let x = 0;
  let y = 0;
  for (const entry of entries) {
    const needed = key + 6 + textWidth(entry.label, size) + 16;
    if (x > 0 && x + needed > width) {
      x = 0;
      y += size + 10;
    }
    shapes.push(...entry.draw(x, y));
    shapes.push({
      kind: 'text',
      x: x + key + 6,
      y: y + size * 0.85,
      text: entry.label,
      size,
      anchor: 'start',
      bold: false,
    });
    x += needed;
  }
  return y + size + 16;
}

export interface BarRow {
  label: string;
  /** Values in the order of the styles. */
  values: number[];
}

/**
 * Horizontal bars, each split into parts (stacked), with a legend above and each bar's total at its end. Wide: the
 * labels in a column on the left; narrow: each label above its bar.
 */
export function stackedBars(rows: BarRow[], styles: SeriesStyle[], width: number): Chart {
  const size = 14;
  const shapes: Shape[] = [];
  const narrow = width < 500;
  const top = legend(
    shapes,
    width,
    size,
    styles.map((style) => ({ label: style.label, draw: (x, y) => swatch(x, y, size, style) })),
  );
  const labelWidth = narrow ? 0 : Math.round(width * 0.3);
  const barLeft = narrow ? 0 : labelWidth + 8;
  const barRoom = width - barLeft - 44;
  const barHeight = 20;
  const rowHeight = narrow ? barHeight + size + 14 : barHeight + 12;
  const largest = Math.max(1, ...rows.map((row) => row.values.reduce((a, b) => a + b, 0)));
  let y = top;
  for (const row of rows) {
    const total = row.values.reduce((a, b) => a + b, 0);
    if (narrow) {
      shapes.push({
        kind: 'text',
        x: 0,
        y: y + size,
        text: fitted(row.label, size, width),
        size,
        anchor: 'start',
        bold: true,
      });
      y += size + 6;
    } else {
      const label = fitted(row.label, size, labelWidth);
      shapes.push({
        kind: 'text',
        x: labelWidth,
        y: y + barHeight / 2 + size * 0.35,
        text: label,
        size,
        anchor: 'end',
        bold: false,
      });
    }
    let x = barLeft;
    row.values.forEach((value, i) => {
      if (value <= 0) return;
      const partWidth = (value / largest) * barRoom;
      // A hairline of white between parts, so that neighbours stay apart in print.
      const drawn = Math.max(partWidth - 1, 0.5);
      shapes.push({ kind: 'rect', x, y, width: drawn, height: barHeight, fill: styles[i]!.colour });
      if (styles[i]!.hatched) shapes.push(...hatch(x, y, drawn, barHeight));
      x += partWidth;
    });
    shapes.push({
      kind: 'text',
      x: x + 6,
      y: y + barHeight / 2 + size * 0.35,
      text: String(total),
      size,
      anchor: 'start',
      bold: true,
    });
    y += narrow ? barHeight + 14 : rowHeight;
  }
  if (rows.length === 0) y += 8;
  return { width, height: Math.ceil(y), shapes };
}

/** A number at or above `value` that makes a tidy top for an axis: 1, 2, 5, 10, 20, 50 …. */
function tidyTop(value: number): number {
  if (value <= 4) return 4;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) if (step * power >= value) return step * power;
  return 10 * power;
}

const monthShort = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "Mar 2026" for an ISO date. */
export function shortMonth(isoDate: string): string {
  const [year, month] = isoDate.split('-').map(Number) as [number, number];
  return `${monthShort[month - 1]} ${year}`;
}

function markerShapes(x: number, y: number, style: LineStyle, size: number): Shape[] {
  return [{ kind: 'marker', x, y, shape: style.marker, size, fill: style.colour }];
}

/** Lines over time, one per series, with a marker at each point, a legend above and the months below. */
export function lineChart(
  days: string[],
  series: { style: LineStyle; values: number[] }[],
  width: number,
): Chart {
  const size = 14;
  const shapes: Shape[] = [];
  const top = legend(
    shapes,
    width,
    size,
    series.map(({ style }) => ({
      label: style.label,
      draw: (x, y) => [
        {
          kind: 'polyline' as const,
          points: [
            [x, y + size / 2],
            [x + 2 * size, y + size / 2],
          ] as [number, number][],
          stroke: style.colour,
          strokeWidth: 3,
          dash: style.dash,
        },
        ...markerShapes(x + size, y + size / 2, style, 9),
      ],
    })),
    2 * size,
  );
  const left = 44;
  const right = width - 16;
  const plotTop = top + 6;
  const plotHeight = width < 500 ? 160 : 220;
  const bottom = plotTop + plotHeight;
  const highest = tidyTop(Math.max(0, ...series.flatMap((s) => s.values)));
  const yOf = (value: number) => bottom - (value / highest) * plotHeight;
  for (let i = 0; i <= 4; i += 1) {
    const value = (highest / 4) * i;
    const y = yOf(value);
    shapes.push({
      kind: 'line',
      x1: left,
      y1: y,
      x2: right,
      y2: y,
      stroke: i === 0 ? axisColour : gridColour,
      strokeWidth: 1,
    });
    shapes.push({
      kind: 'text',
      x: left - 6,
      y: y + size * 0.35,
      text: Number.isInteger(value) ? String(value) : value.toFixed(1),
      size,
      anchor: 'end',
      bold: false,
    });
  }
  const step = days.length > 1 ? (right - left - 20) / (days.length - 1) : 0;
  const xOf = (i: number) => (days.length > 1 ? left + 10 + i * step : (left + right) / 2);
  // Every month's name where they fit; every second or third on a phone.
  const every = Math.max(1, Math.ceil((days.length * 40) / (right - left)));
  days.forEach((day, i) => {
    if ((days.length - 1 - i) % every !== 0) return;
    const [name, year] = shortMonth(day).split(' ');
    shapes.push({
      kind: 'text',
      x: xOf(i),
      y: bottom + size + 6,
      text: name!,
      size,
      anchor: 'middle',
      bold: false,
    });
    if (i === 0 || name === 'Jan' || i === days.length - 1)
      shapes.push({
        kind: 'text',
        x: xOf(i),
        y: bottom + 2 * size + 10,
        text: year!,
        size,
        anchor: 'middle',
        bold: false,
      });
  });
  for (const { style, values } of series) {
    const points = values.map((value, i) => [xOf(i), yOf(value)] as [number, number]);
    if (points.length > 1)
      shapes.push({ kind: 'polyline', points, stroke: style.colour, strokeWidth: 3, dash: style.dash });
    for (const [x, y] of points) shapes.push(...markerShapes(x, y, style, 10));
  }
  return { width, height: bottom + 2 * size + 16, shapes };
}

export { textColour };
