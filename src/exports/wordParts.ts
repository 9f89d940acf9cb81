// The parts every Headway Word document shares: page set-up, the marking in header and footer, page numbers, cells.
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
  type ISectionOptions,
} from 'docx';
import { formatUkDate } from '../dates/ukDate.js';
import { richTextToPlain } from '../richtext/sanitise.js';
import { richTextToWord } from './richTextToWord.js';

/** Half-points: 10 pt text in tables keeps a wide table readable on a page. */
export const tableTextSize = 20;
/** 1.5 cm margins, in twentieths of a point. */
const margin = 850;
/** Text width inside the margins, in twentieths of a point, for A4 portrait and landscape. */
export const textWidth = { portrait: 11906 - 2 * margin, landscape: 16838 - 2 * margin };

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

export function richCell(html: string, width: number, extraLines: string[] = []): TableCell {
  return new TableCell({
    width: { size: width, type: WidthType.DXA },
    children: [
      ...(richTextToPlain(html) === '' && extraLines.length > 0
        ? []
        : richTextToWord(html, { size: tableTextSize })),
      ...extraLines.map(
        (line) => new Paragraph({ children: [new TextRun({ text: line, size: tableTextSize })] }),
      ),
    ],
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
