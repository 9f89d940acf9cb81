// The highlight report's two charts (actions by status in each theme, and the trend), from the figures frozen in the
// report, as the page draws them: SVG with their data. The PDF draws them in reportChartsPdf.ts, Word in
// reportChartsWord.ts, each loaded only with its writer.
import { narrowWidth, wideWidth } from './chartGeometry.js';
import { chartSvg } from './chartSvg.js';
import { statusChart, statusTable, trendChart, trendTable } from './dashboardCharts.js';
import type { ReportDashboard } from './reportDashboard.js';

export const statusHeading = 'Actions by status in each theme';
export const trendHeading = 'Trend: complete, in progress and overdue at each month end';

/** The page's charts, each drawn wide and narrow (headway.css shows the one that suits the screen), with its data. */
export function reportChartsSvg(dashboard: ReportDashboard | null | undefined) {
  if (!dashboard) return null;
  const both = (chart: (width: number) => Parameters<typeof chartSvg>[0], summary: string) =>
    chartSvg(chart(wideWidth), summary, 'hw-chart--wide') +
    chartSvg(chart(narrowWidth), summary, 'hw-chart--narrow');
  return [
    {
      id: 'report-status',
      heading: statusHeading,
      summary: dashboard.statusSummary,
      svg: both((width) => statusChart(dashboard.byTheme, width), dashboard.statusSummary),
      table: statusTable(dashboard.byTheme),
    },
    {
      id: 'report-trend',
      heading: trendHeading,
      summary: dashboard.trendSummary,
      svg: both((width) => trendChart(dashboard.trend, width), dashboard.trendSummary),
      table: trendTable(dashboard.trend),
    },
  ];
}
