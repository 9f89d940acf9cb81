// The highlight report's two charts drawn as vectors in its PDF, each after its heading and summary sentence.
import type { PdfBook } from '../exports/pdfLayout.js';
import { linesToPdf } from '../exports/richTextToPdf.js';
import { wideWidth } from './chartGeometry.js';
import { drawChart } from './chartPdf.js';
import { statusChart, trendChart } from './dashboardCharts.js';
import type { ReportDashboard } from './reportDashboard.js';
import { statusHeading, trendHeading } from './reportCharts.js';

export function drawReportCharts(book: PdfBook, dashboard: ReportDashboard | null | undefined): void {
  if (!dashboard) return;
  for (const [heading, summary, chart] of [
    [statusHeading, dashboard.statusSummary, statusChart(dashboard.byTheme, wideWidth)],
    [trendHeading, dashboard.trendSummary, trendChart(dashboard.trend, wideWidth)],
  ] as const) {
    book.space(12);
    book.paragraphs([{ runs: [{ text: heading, bold: true }] }], 14, { keepWithNext: 120 });
    book.space(4);
    book.paragraphs(linesToPdf([summary]), 10);
    book.space(6);
    drawChart(book, chart, book.width);
  }
}
