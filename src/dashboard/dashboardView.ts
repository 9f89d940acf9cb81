// The dashboard as the page and the PDF show it: the headline figures in words, then each chart with its summary
// sentence and data table, and the movers since the last report.
import { formatUkDate } from '../dates/ukDate.js';
import { narrowWidth, wideWidth, type Chart } from './chartGeometry.js';
import {
  ragChart,
  ragSummary,
  ragTable,
  statusChart,
  statusSummary,
  statusTable,
  trendChart,
  trendSummary,
  trendTable,
} from './dashboardCharts.js';
import type { DashboardFigures } from './dashboardFigures.js';

export interface DashboardSection {
  id: string;
  heading: string;
  summary: string;
  /** The chart at a given width: the pages draw it wide and narrow, the PDF at the page's width. */
  chart: (width: number) => Chart;
  table: { head: string[]; rows: string[][] };
}

export interface Headline {
  label: string;
  value: string;
  detail: string;
}

const plural = (count: number, one: string, many = `${one}s`) =>
  `${count.toLocaleString('en-GB')} ${count === 1 ? one : many}`;

/** The figures at the top: actions, % complete, overdue, due before the next board. */
export function headlines(figures: DashboardFigures): Headline[] {
  const board = figures.boards[0];
  const onePlan = figures.groupKind === 'theme';
  const due: Headline =
    figures.boards.length === 0
      ? {
          label: 'Due before the next board',
          value: 'No board set',
          detail: `No update request names a board meeting from today on, so nothing is counted as due before one.`,
        }
      : onePlan
        ? {
            label: 'Due before the next board',
            value: figures.boards[0]!.due.toLocaleString('en-GB'),
            detail: `Open actions due by ${board!.meetingName}, ${formatUkDate(board!.meetingOn)}.`,
          }
        : {
            label: 'Due before the next board',
            value: figures.boards.reduce((sum, b) => sum + b.due, 0).toLocaleString('en-GB'),
            detail: `Open actions due before each plan's next board, in ${plural(figures.boards.length, 'plan')} with one set${figures.withoutBoard.length > 0 ? `; ${plural(figures.withoutBoard.length, 'plan has', 'plans have')} none` : ''}.`,
          };
  return [
    {
      label: 'Actions',
      value: figures.total.toLocaleString('en-GB'),
      detail: onePlan ? 'In this plan.' : `In ${plural(figures.plans.length, 'plan')} you can read.`,
    },
    {
      label: 'Complete',
      value: figures.percentComplete === null ? 'None yet' : `${figures.percentComplete}%`,
      detail: `${figures.counts.complete.toLocaleString('en-GB')} of ${plural(figures.total - figures.counts.cancelled, 'action')} not cancelled.`,
    },
    {
      label: 'Overdue',
      value: figures.overdue.toLocaleString('en-GB'),
      detail: `Open actions whose target date passed before ${formatUkDate(figures.today)}.`,
    },
    due,
  ];
}

export function dashboardSections(figures: DashboardFigures): DashboardSection[] {
  const groupWord = figures.groupKind === 'theme' ? 'theme' : 'plan';
  return [
    {
      id: `status-by-${groupWord}`,
      heading: `Actions by status in each ${groupWord}`,
      summary: statusSummary(figures.byGroup, groupWord),
      chart: (width) => statusChart(figures.byGroup, width),
      table: statusTable(figures.byGroup),
    },
    {
      id: 'status-by-horizon',
      heading: 'Actions by status in each horizon',
      summary: statusSummary(figures.byHorizon, 'horizon'),
      chart: (width) => statusChart(figures.byHorizon, width),
      table: statusTable(figures.byHorizon),
    },
    {
      id: 'rag',
      heading: 'RAG of open actions',
      summary: ragSummary(figures.rag),
      chart: (width) => ragChart(figures.rag, width),
      table: ragTable(figures.rag),
    },
    {
      id: 'trend',
      heading: 'Trend',
      summary: trendSummary(figures.trend),
      chart: (width) => trendChart(figures.trend, width),
      table: trendTable(figures.trend),
    },
  ];
}

/** What the movers are measured from, in words. */
export function moversSince(figures: DashboardFigures): string {
  const { since, withoutReport } = figures.movers;
  if (since.length === 0)
    return figures.groupKind === 'theme'
      ? 'No highlight report of this plan has been published yet, so there is nothing to measure movers from.'
      : 'No highlight report of these plans has been published yet, so there is nothing to measure movers from.';
  if (figures.groupKind === 'theme')
    return `Since the last published report${since[0]!.period ? ` (${since[0]!.period})` : ''}, published on ${formatUkDate(since[0]!.publishedAt.slice(0, 10))}: the actions whose status, RAG or target date moved most.`;
  return `Since each plan's last published report: the actions whose status, RAG or target date moved most.${withoutReport.length > 0 ? ` ${plural(withoutReport.length, 'plan has', 'plans have')} no published report and ${withoutReport.length === 1 ? 'is' : 'are'} left out.` : ''}`;
}

export { narrowWidth, wideWidth };
