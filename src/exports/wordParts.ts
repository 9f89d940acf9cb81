// The parts every Headway Word document shares: styles, page set-up, the marking in header and footer, page numbers,
// table cells and column widths.
import {
  AlignmentType,
  Footer,
  Header,
  PageNumber,
  PageOrientation,
  Paragraph,
  ShadingType,
  TableCell,
  TextRun,
  VerticalMergeType,
  WidthType,
  type IPropertiesOptions,
  type ISectionOptions,
} from 'docx';
import { formatUkDate } from '../dates/ukDate.js';

/** Half-points: 10 pt text in tables keeps a wide table readable on a page. */
export const tableTextSize = 20;
/** 1.5 cm margins, in twentieths of a point. */
const margin = 850;
/** Text width inside the margins, in twentieths of a point, for A4 portrait and landscape. */
export const textWidth = { portrait: 11906 - 2 * margin, landscape: 16838 - 2 * margin };

/** Arial throughout, as board papers are, instead of Word's default serif. */
export const documentStyles: IPropertiesOptions['styles'] = {
  default: {
    document: { run: { font: 'Arial', size: 22 } },
    title: { run: { font: 'Arial', size: 40, bold: true }, paragraph: { spacing: { after: 120 } } },
    heading2: { run: { font: 'Arial', size: 28, bold: true }, paragraph: { spacing: { after: 120 } } },
  },
};

export function markingParagraph(marking: string): Paragraph {
  return new Paragraph({
    alignment: AlignmentType.CENTER,
    children: [new TextRun({ text: marking, bold: true, size: 20 })],
  });
}

export function pageSection(
  options: { marking: string; landscape: boolean; generatedOn: string; title: string },
  children: ISectionOptions['children'],
): ISectionOptions {
  const footer = [
    ...(options.marking ? [markingParagraph(options.marking)] : []),
    new Paragraph({
      alignment: AlignmentType.CENTER,
      children: [
        new TextRun({
          text: `${options.title} · generated on ${formatUkDate(options.generatedOn)} · Page `,
          size: 16,
        }),
        new TextRun({ children: [PageNumber.CURRENT], size: 16 }),
        new TextRun({ text: ' of ', size: 16 }),
        new TextRun({ children: [PageNumber.TOTAL_PAGES], size: 16 }),
      ],
    }),
  ];
  return {
    properties: {
      page: {
        size: options.landscape ? { orientation: PageOrientation.LANDSCAPE } : undefined,
        margin: { top: margin, bottom: margin, left: margin, right: margin, header: 425, footer: 425 },
      },
    },
    headers: options.marking
      ? { default: new Header({ children: [markingParagraph(options.marking)] }) }
      : undefined,
    footers: { default: new Footer({ children: footer }) },
    children,
  };
}

export function textCell(
  text: string,
  options: { width: number; bold?: boolean; shade?: boolean } = { width: 0 },
) {
  return new TableCell({
    width: { size: options.width, type: WidthType.DXA },
    shading: options.shade ? { type: ShadingType.CLEAR, fill: 'E8E8E8', color: 'auto' } : undefined,
    children: text
      .split('\n')
      .map(
        (line) =>
          new Paragraph({ children: [new TextRun({ text: line, bold: options.bold, size: tableTextSize })] }),
      ),
  });
}

/** A cell of a column merged down its rows: the text on the first row, continued (empty) below. */
export function mergedCell(text: string | null, width: number): TableCell {
  return new TableCell({
    width: { size: width, type: WidthType.DXA },
    verticalMerge: text === null ? VerticalMergeType.CONTINUE : VerticalMergeType.RESTART,
    children: [
      new Paragraph({ children: [new TextRun({ text: text ?? '', bold: true, size: tableTextSize })] }),
    ],
  });
}

/** Widths in twentieths of a point from relative weights, summing to the text width exactly. */
export function columnWidths(weights: number[], total: number): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  const widths = weights.map((w) => Math.floor((w / sum) * total));
  widths[widths.length - 1]! += total - widths.reduce((a, b) => a + b, 0);
  return widths;
}

/** Roughly how wide a line of 10 pt Arial is in a cell, in twentieths of a point, with the cell's side margins. */
export function widthOfLine(characters: number): number {
  return characters * 130 + 260;
}

/** The number of characters in the longest word of any of the lines. */
function longestWord(lines: string[]): number {
  // Counted without splitting: a long plan's columns hold hundreds of thousands of words.
  let longest = 0;
  for (const line of lines) {
    let run = 0;
    for (let i = 0; i < line.length; i++) {
      const c = line.charCodeAt(i);
      run = c === 32 || c === 9 || c === 10 || c === 13 || c === 0xa0 ? 0 : run + 1;
      if (run > longest) longest = run;
    }
  }
  return longest;
}

/**
 * Widths that give short columns (a reference, a status, an empty column) just the room they need and share the
 * rest by weight among the columns of running text, summing to the text width exactly. Each column is then kept at
 * least as wide as its longest word, taking the room from columns that have more than theirs, so that a narrow
 * column does not cut "Development" into "Developmen" and "t"; where the page is too narrow for that, the shares stand.
 * `lines` are each column's header words and cell lines; `weights` the share of a column of running text.
 */
export function fittedColumnWidths(
  columns: { words: string[]; lines: string[]; weight: number }[],
  total: number,
): number[] {
  return keepWordsWhole(
    sharedWidths(columns, total),
    columns.map((c) => widthOfLine(Math.max(longestWord(c.words), longestWord(c.lines)))),
  );
}

function keepWordsWhole(widths: number[], least: number[]): number[] {
  const total = widths.reduce((a, b) => a + b, 0);
  if (least.reduce((a, b) => a + b, 0) > total) return widths;
  const short = widths.reduce((sum, w, i) => sum + Math.max(0, least[i]! - w), 0);
  if (short === 0) return widths;
  const spare = widths.map((w, i) => Math.max(0, w - least[i]!));
  const spareTotal = spare.reduce((a, b) => a + b, 0);
  const result = widths.map((w, i) =>
    w < least[i]! ? least[i]! : w - Math.ceil((spare[i]! / spareTotal) * short),
  );
  // Rounding up what is taken can leave a few twentieths of a point over; the widest column gets them back.
  const widest = result.indexOf(Math.max(...result));
  result[widest]! += total - result.reduce((a, b) => a + b, 0);
  return result;
}

function sharedWidths(
  columns: { words: string[]; lines: string[]; weight: number }[],
  total: number,
): number[] {
  const shortest = 1800; // about 3 cm: a column whose longest line fits in this needs no more
  const needs = columns.map((c) =>
    widthOfLine(Math.max(0, ...c.words.map((w) => w.length), ...c.lines.map((l) => l.length))),
  );
  const fixed = needs.map((need) => (need <= shortest ? need : null));
  const fixedTotal = fixed.reduce<number>((sum, w) => sum + (w ?? 0), 0);
  const flexible = columns.flatMap((c, i) => (fixed[i] === null ? [c.weight] : []));
  if (flexible.length === 0 || fixedTotal > total * 0.6)
    return columnWidths(
      columns.map((c) => c.weight),
      total,
    );
  const shared = columnWidths(flexible, total - fixedTotal);
  let next = 0;
  return fixed.map((w) => w ?? shared[next++]!);
}
