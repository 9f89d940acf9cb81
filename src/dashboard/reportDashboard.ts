// What a highlight report keeps of the dashboard: the actions by status in each theme and the trend, with their
// sentences, frozen with the report when it is published; the charts are drawn from these figures each time.
import type { Reader } from '../history/recordChange.js';
import { statusSummary, trendSummary } from './dashboardCharts.js';
import { loadDashboard, type StatusGroup } from './dashboardFigures.js';
import type { TrendPoint } from './dashboardTrend.js';

export interface ReportDashboard {
  byTheme: StatusGroup[];
  statusSummary: string;
  trend: TrendPoint[];
  trendSummary: string;
}

export async function reportDashboard(db: Reader, planId: string, today: string): Promise<ReportDashboard> {
  const figures = await loadDashboard(db, [planId], 'theme', today);
  return {
    byTheme: figures.byGroup,
    statusSummary: statusSummary(figures.byGroup, 'theme'),
    trend: figures.trend,
    trendSummary: trendSummary(figures.trend),
  };
}
