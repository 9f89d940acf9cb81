// The dashboard's four charts (status by theme or plan, status by horizon, RAG mix, trend), each with the sentence
// that says what it shows and the rows of its data table, for the pages, the PDF and the highlight report alike.
import type { Status } from '../db/schema.js';
import { formatUkDate } from '../dates/ukDate.js';
import { statuses, statusLabels } from '../plans/vocabulary.js';
import { lineChart, stackedBars, type Chart, type LineStyle, type SeriesStyle } from './chartGeometry.js';
import type { RagCounts, StatusGroup } from './dashboardFigures.js';
import type { TrendPoint } from './dashboardTrend.js';

export const statusStyles: Record<Status, SeriesStyle> = {
  not_started: { label: statusLabels.not_started, colour: '#505a5f', hatched: true },
  in_progress: { label: statusLabels.in_progress, colour: '#1d70b8', hatched: false },
  ongoing: { label: statusLabels.ongoing, colour: '#003078', hatched: true },
  complete: { label: statusLabels.complete, colour: '#00703c', hatched: false },
  cancelled: { label: statusLabels.cancelled, colour: '#4c2c92', hatched: false },
};

const ragRows = [
  { key: 'red', label: 'Red', style: { label: 'Red', colour: '#d4351c', hatched: false } },
  { key: 'amber', label: 'Amber', style: { label: 'Amber', colour: '#b35c00', hatched: true } },
  { key: 'green', label: 'Green', style: { label: 'Green', colour: '#00703c', hatched: false } },
  { key: 'none', label: 'Not set', style: { label: 'Not set', colour: '#505a5f', hatched: true } },
] as const;

export const trendStyles: { key: keyof Omit<TrendPoint, 'on'>; style: LineStyle }[] = [
  { key: 'complete', style: { label: 'Complete', colour: '#00703c', dash: [], marker: 'circle' } },
  {
    key: 'inProgress',
    style: { label: 'In progress or ongoing', colour: '#1d70b8', dash: [8, 4], marker: 'square' },
  },
  { key: 'overdue', style: { label: 'Overdue', colour: '#d4351c', dash: [2, 4], marker: 'triangle' } },
];

const plural = (count: number, one: string, many = `${one}s`) =>
  `${count.toLocaleString('en-GB')} ${count === 1 ? one : many}`;

export function statusChart(groups: StatusGroup[], width: number): Chart {
  return stackedBars(
    groups.map((group) => ({ label: group.label, values: statuses.map((status) => group.counts[status]) })),
    statuses.map((status) => statusStyles[status]),
    width,
  );
}

/** "Of 3 themes, Wellbeing has the most actions (12, 4 complete); Vision clarity has the most complete (75%)." */
export function statusSummary(groups: StatusGroup[], kind: string): string {
  const withActions = groups.filter((group) => group.total > 0);
  if (withActions.length === 0) return `No ${kind} has any actions yet.`;
  const most = withActions.reduce((a, b) => (b.total > a.total ? b : a));
  const share = (group: StatusGroup) =>
    group.counts.complete / Math.max(1, group.total - group.counts.cancelled);
  const best = withActions.reduce((a, b) => (share(b) > share(a) ? b : a));
  const facts = (group: StatusGroup) =>
    `${plural(group.total, 'action')}, ${group.counts.complete.toLocaleString('en-GB')} complete`;
  if (withActions.length === 1) return `${most.label} has ${facts(most)}.`;
  const bestShare = `the largest share complete (${Math.round(100 * share(best))}%)`;
  const start = `Of ${plural(withActions.length, kind)} with actions, ${most.label} has the most (${facts(most)})`;
  return best === most ? `${start} and ${bestShare}.` : `${start}; ${best.label} has ${bestShare}.`;
}

export function statusTable(groups: StatusGroup[]) {
  return {
    head: ['', ...statuses.map((status) => statusLabels[status]), 'Total'],
    rows: groups.map((group) => [
      group.label,
      ...statuses.map((status) => String(group.counts[status])),
      String(group.total),
    ]),
  };
}

export function ragChart(rag: RagCounts, width: number): Chart {
  return stackedBars(
    ragRows.map((row, i) => ({
      label: row.label,
      values: ragRows.map((_, j) => (i === j ? rag[row.key] : 0)),
    })),
    ragRows.map((row) => row.style),
    width,
  );
}

/** "Of 12 open actions, 2 are red, 5 amber, 4 green and 1 has no RAG." */
export function ragSummary(rag: RagCounts): string {
  const open = rag.red + rag.amber + rag.green + rag.none;
  if (open === 0) return 'No action is open, so there is no RAG to show.';
  return `Of ${plural(open, 'open action')}, ${rag.red.toLocaleString('en-GB')} ${rag.red === 1 ? 'is' : 'are'} red, ${rag.amber.toLocaleString('en-GB')} amber, ${rag.green.toLocaleString('en-GB')} green and ${rag.none.toLocaleString('en-GB')} not set.`;
}

export function ragTable(rag: RagCounts) {
  return { head: ['RAG', 'Open actions'], rows: ragRows.map((row) => [row.label, String(rag[row.key])]) };
}

export function trendChart(trend: TrendPoint[], width: number): Chart {
  return lineChart(
    trend.map((point) => point.on),
    trendStyles.map(({ key, style }) => ({ style, values: trend.map((point) => point[key]) })),
    width,
  );
}

/** "From 31 January 2026 to 14 March 2026, complete rose from 2 to 9, in progress fell from 8 to 5 and overdue …". */
export function trendSummary(trend: TrendPoint[]): string {
  const first = trend[0]!;
  const last = trend.at(-1)!;
  const moved = (label: string, from: number, to: number) =>
    from === to
      ? `${label} stayed at ${from.toLocaleString('en-GB')}`
      : `${label} ${to > from ? 'rose' : 'fell'} from ${from.toLocaleString('en-GB')} to ${to.toLocaleString('en-GB')}`;
  if (trend.length === 1)
    return `Today, ${formatUkDate(last.on)}, ${plural(last.complete, 'action is', 'actions are')} complete, ${last.inProgress.toLocaleString('en-GB')} in progress or ongoing and ${last.overdue.toLocaleString('en-GB')} overdue; the trend begins at the end of this month.`;
  return `From ${formatUkDate(first.on)} to today, ${formatUkDate(last.on)}, ${moved('complete', first.complete, last.complete)}, ${moved('in progress or ongoing', first.inProgress, last.inProgress)} and ${moved('overdue', first.overdue, last.overdue)}.`;
}

export function trendTable(trend: TrendPoint[]) {
  return {
    head: ['At the end of', 'Complete', 'In progress or ongoing', 'Overdue'],
    rows: trend.map((point, i) => [
      i === trend.length - 1 ? `${formatUkDate(point.on)} (today)` : formatUkDate(point.on),
      String(point.complete),
      String(point.inProgress),
      String(point.overdue),
    ]),
  };
}
