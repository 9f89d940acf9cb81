// The dashboard as a PDF: the headline figures, each chart drawn as vectors with its summary and data table, and the
// movers, with the marking, date and page numbers on every page as every Headway PDF has them.
import { todayIso } from '../dates/ukDate.js';
import { PdfBook } from '../exports/pdfLayout.js';
import { linesToPdf } from '../exports/richTextToPdf.js';
import { drawChart } from './chartPdf.js';
import type { DashboardFigures } from './dashboardFigures.js';
import { dashboardSections, headlines, moversSince, wideWidth } from './dashboardView.js';

const textSize = 10;

function heading(book: PdfBook, text: string, size = 14): void {
  book.space(12);
  book.paragraphs([{ runs: [{ text, bold: true }] }], size, { keepWithNext: 60 });
  book.space(4);
}

export async function dashboardToPdf(
  figures: DashboardFigures,
  document: { title: string; marking: string },
): Promise<Buffer> {
  const book = new PdfBook({
    landscape: false,
    title: document.title,
    marking: document.marking,
    generatedOn: todayIso(),
    subject: `Dashboard on ${figures.today}`,
  });
  book.paragraphs([{ runs: [{ text: document.title, bold: true }] }], 18);
  book.space(8);
  book.table(
    {
      widths: [book.width / 4, (book.width * 3) / 4],
      rows: headlines(figures).map((headline) => ({
        cells: [
          linesToPdf([headline.label], { bold: true }),
          linesToPdf([`${headline.value}. ${headline.detail}`]),
        ],
        fills: ['#e8e8e8', undefined],
      })),
    },
    textSize,
  );
  for (const section of dashboardSections(figures)) {
    heading(book, section.heading);
    book.paragraphs(linesToPdf([section.summary]), textSize);
    book.space(6);
    drawChart(book, section.chart(wideWidth), book.width);
    book.space(6);
    const columns = section.table.head.length;
    const first = book.width * (columns > 3 ? 0.28 : 0.5);
    book.table(
      {
        widths: [first, ...Array.from({ length: columns - 1 }, () => (book.width - first) / (columns - 1))],
        header: section.table.head,
        rows: section.table.rows.map((row) => ({ cells: row.map((cell) => linesToPdf([cell])) })),
      },
      9,
    );
  }
  heading(book, 'Biggest movers since the last report');
  book.paragraphs(linesToPdf([moversSince(figures)]), textSize);
  const movers = figures.movers.actions;
  if (movers.length === 0 && figures.movers.since.length > 0)
    book.paragraphs(linesToPdf(['No action changed status, RAG or target date since then.']), textSize);
  for (const mover of movers) {
    book.space(6);
    const name = [mover.ref, mover.title].filter(Boolean).join(' ');
    book.paragraphs(
      [
        {
          runs: [{ text: figures.groupKind === 'plan' ? `${mover.planTitle}: ${name}` : name, bold: true }],
        },
      ],
      textSize,
      { keepWithNext: 20 },
    );
    book.paragraphs(
      mover.lines.map((line) => ({ runs: [{ text: line }], marker: '\u2022', indent: 12 })),
      textSize,
    );
  }
  return book.finish();
}
