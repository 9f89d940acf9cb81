// The highlight report as a PDF board paper, from the same model and words as the Word file: labelled sections in two
// columns, progress tables with the theme merged down its rows, the generated lists, and the marking, page numbers and
// date on every page.
import { drawReportCharts } from '../dashboard/reportChartsPdf.js';
import type { ReportModel } from '../reports/reportModel.js';
import { PdfBook, type PdfParagraph } from './pdfLayout.js';
import { linesToPdf, richTextToPdf } from './richTextToPdf.js';
import { generatedLists, labelledSections, type LabelledRow } from './reportText.js';

const textSize = 10;

function labelledTable(book: PdfBook, rows: LabelledRow[]): void {
  const widths = [book.width / 4, (book.width * 3) / 4];
  book.table(
    {
      widths,
      rows: rows.map((row) => ({
        cells: [
          linesToPdf([row.label.toUpperCase()], { bold: true }),
          row.html !== undefined ? richTextToPdf(row.html) : linesToPdf([row.text ?? '']),
        ],
        fills: ['#e8e8e8', row.fill ? `#${row.fill}` : undefined],
      })),
    },
    textSize,
  );
}

function heading(book: PdfBook, text: string): void {
  book.space(12);
  // A heading stays with at least the first lines of what it heads.
  book.paragraphs([{ runs: [{ text, bold: true }] }], 14, { keepWithNext: 40 });
  book.space(4);
}

function bullets(lines: string[], empty: string): PdfParagraph[] {
  if (lines.length === 0) return linesToPdf([empty]);
  return lines.map((line, index) => ({
    runs: [{ text: line }],
    marker: '\u2022',
    indent: 12,
    gapBefore: index === 0 ? 0 : 3,
  }));
}

export async function reportToPdf(model: ReportModel): Promise<Buffer> {
  const book = new PdfBook({
    landscape: false,
    title: model.planTitle,
    marking: model.marking,
    generatedOn: model.generatedOn,
    subject: `Highlight report for ${model.period.text}`,
  });
  const sections = labelledSections(model);
  book.paragraphs([{ runs: [{ text: model.title, bold: true }] }], 18);
  book.space(10);
  labelledTable(book, sections.before);
  for (const horizon of model.progress) {
    heading(book, horizon.heading);
    const widths = [3, 6, 2].map((share) => (book.width * share) / 11);
    book.table(
      {
        widths,
        header: ['Theme', 'Deliverable', 'Status'],
        mergeFirstColumn: true,
        rows: horizon.themes.flatMap((group) =>
          group.deliverables.map((action) => ({
            group: group.theme,
            cells: [[], linesToPdf([action.title]), linesToPdf([action.statusLabel])],
          })),
        ),
      },
      textSize,
    );
  }
  drawReportCharts(book, model.dashboard);
  if (sections.after.length > 0) {
    book.space(14);
    labelledTable(book, sections.after);
  }
  for (const list of generatedLists(model)) {
    heading(book, list.heading);
    if (list.intro) book.paragraphs(linesToPdf([list.intro]), textSize);
    if (!list.groups) book.paragraphs(bullets(list.lines, list.empty), textSize);
    for (const group of list.groups ?? []) {
      book.space(6);
      book.paragraphs([{ runs: [{ text: group.heading, bold: true }] }], 11, { keepWithNext: 30 });
      book.space(2);
      book.paragraphs(bullets(group.lines, ''), textSize);
    }
  }
  return book.finish();
}
