// The dashboard's figures for one plan or for every plan a person may read: actions by status per theme (or plan) and
// per horizon, % complete, overdue, due before the next board, the RAG mix, the trend and the biggest movers. Each
// plan's part is built on its own (planFigures.ts) and the view adds up the parts of the plans asked for.
import type { Rag, Status } from '../db/schema.js';
import { todayIso } from '../dates/ukDate.js';
import type { Reader } from '../history/recordChange.js';
import { statuses } from '../plans/vocabulary.js';
import { biggestMovers, type Mover } from './dashboardMovers.js';
import { trendDays, type TrendPoint } from './dashboardTrend.js';
import { loadPlanFigures, noCounts, type PlanFigures } from './planFigures.js';

export { noCounts };

export type StatusCounts = Record<Status, number>;

/** One bar of a status chart: a theme, a plan or a horizon, with its actions counted by status. */
export interface StatusGroup {
  label: string;
  /** The page the group is about, when it has one. */
  href: string | null;
  counts: StatusCounts;
  total: number;
}

export interface PlanNamed {
  slug: string;
  title: string;
}

export interface NextBoard extends PlanNamed {
  meetingName: string;
  /** ISO date. */
  meetingOn: string;
  /** Open actions of the plan whose date falls between today and the meeting. */
  due: number;
}

export type RagCounts = Record<Rag | 'none', number>;

export interface DashboardFigures {
  /** The day overdue is judged by, ISO. */
  today: string;
  plans: PlanNamed[];
  total: number;
  counts: StatusCounts;
  /** Complete as a whole percentage of the actions not cancelled; null when there are none. */
  percentComplete: number | null;
  overdue: number;
  /** Each plan's next board (the nearest meeting of an update request, today or later) and what falls due by it. */
  boards: NextBoard[];
  /** Plans with no board to come. */
  withoutBoard: PlanNamed[];
  /** 'theme' for one plan's dashboard, 'plan' across plans. */
  groupKind: 'theme' | 'plan';
  byGroup: StatusGroup[];
  byHorizon: StatusGroup[];
  /** The RAG of the actions still open (neither complete nor cancelled). */
  rag: RagCounts;
  trend: TrendPoint[];
  movers: {
    /** The last published report of each plan that has one: what movers are measured from. */
    since: (PlanNamed & { period: string; publishedAt: string })[];
    /** Plans with no published report, so no movers. */
    withoutReport: PlanNamed[];
    actions: Mover[];
  };
}

function addCounts(
  into: { counts: StatusCounts; total: number },
  from: { counts: StatusCounts; total: number },
) {
  for (const status of statuses) into.counts[status] += from.counts[status];
  into.total += from.total;
}

/**
 * The figures of these plans' parts (planFigures.ts), given in the plans' order by title and all built for `today`:
 * one bar a theme for one plan's dashboard, one bar a plan across plans.
 */
export function dashboardOf(
  parts: PlanFigures[],
  groupKind: 'theme' | 'plan',
  today: string,
): DashboardFigures {
  const named = (part: PlanFigures): PlanNamed => ({ slug: part.slug, title: part.title });
  const counts = noCounts();
  const rag: RagCounts = { red: 0, amber: 0, green: 0, none: 0 };
  let total = 0;
  let overdue = 0;
  for (const part of parts) {
    for (const status of statuses) counts[status] += part.counts[status];
    total += part.total;
    overdue += part.overdue;
    for (const key of Object.keys(rag) as (keyof RagCounts)[]) rag[key] += part.rag[key];
  }
  const notCancelled = total - counts.cancelled;

  // Status by theme (or plan), then by horizon: actions outside any are counted under "No theme" or "No horizon",
  // shown only when there are some.
  let byGroup: StatusGroup[];
  if (groupKind === 'theme') {
    const noTheme: StatusGroup = { label: 'No theme', href: null, counts: noCounts(), total: 0 };
    byGroup = parts.flatMap((part) => part.byTheme.slice(0, -1).map((group) => ({ ...group })));
    for (const part of parts) addCounts(noTheme, part.byTheme.at(-1)!);
    if (noTheme.total > 0) byGroup.push(noTheme);
  } else {
    byGroup = parts.map((part) => ({
      label: part.title,
      href: `/plans/${part.slug}/dashboard`,
      counts: { ...part.counts },
      total: part.total,
    }));
  }
  // Horizons of the same name in several plans are one bar, in the order of their positions.
  const byName = new Map<string, StatusGroup>();
  const horizons = parts.flatMap((part) => part.byHorizon).sort((a, b) => a.position - b.position);
  for (const horizon of horizons) {
    let bar = byName.get(horizon.name);
    if (!bar)
      byName.set(horizon.name, (bar = { label: horizon.name, href: null, counts: noCounts(), total: 0 }));
    addCounts(bar, horizon);
  }
  const noHorizon: StatusGroup = { label: 'No horizon', href: null, counts: noCounts(), total: 0 };
  for (const part of parts) addCounts(noHorizon, part.noHorizon);
  const byHorizon = [...byName.values()];
  if (noHorizon.total > 0) byHorizon.push(noHorizon);

  // The next board of each plan, soonest first.
  const boards = parts
    .flatMap((part) => (part.board ? [{ ...part.board }] : []))
    .sort((a, b) => (a.meetingOn < b.meetingOn ? -1 : a.meetingOn > b.meetingOn ? 1 : 0));

  // The trend, over the life of the oldest plan: each part counts every day a view may show.
  const start = parts.reduce(
    (earliest, part) => (part.createdAt < earliest ? part.createdAt : earliest),
    today,
  );
  const trend = trendDays(start.slice(0, 10), today).map((on) => {
    const point = { on, complete: 0, inProgress: 0, overdue: 0 };
    for (const part of parts) {
      const counted = part.trend.find((p) => p.on === on);
      if (!counted) continue;
      point.complete += counted.complete;
      point.inProgress += counted.inProgress;
      point.overdue += counted.overdue;
    }
    return point;
  });

  return {
    today,
    plans: parts.map(named),
    total,
    counts,
    percentComplete: notCancelled > 0 ? Math.round((100 * counts.complete) / notCancelled) : null,
    overdue,
    boards,
    withoutBoard: parts.filter((part) => !part.board).map(named),
    groupKind,
    byGroup,
    byHorizon,
    rag,
    trend,
    movers: {
      since: parts.flatMap((part) => (part.report ? [{ ...named(part), ...part.report }] : [])),
      withoutReport: parts.filter((part) => !part.report).map(named),
      actions: biggestMovers(parts.flatMap((part) => part.movers)),
    },
  };
}

/**
 * The figures for these plans (ids; empty for none), built from scratch. `today` is the day overdue and the next
 * board are judged by; the trend counts at the end of each month before it.
 */
export async function loadDashboard(
  db: Reader,
  planIds: string[],
  groupKind: 'theme' | 'plan',
  today = todayIso(),
): Promise<DashboardFigures> {
  return dashboardOf(await loadPlanFigures(db, planIds, today), groupKind, today);
}
