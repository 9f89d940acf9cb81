// The dashboard's figures for one plan or for every plan a person may read: actions by status per theme (or plan) and
// per horizon, % complete, overdue, due before the next board, the RAG mix, the trend and the biggest movers. A
// handful of statements whatever the number of plans; the trend and movers come from one pass over history.
import type { Rag, Status } from '../db/schema.js';
import { isOverdue } from '../dates/targetDate.js';
import { todayIso } from '../dates/ukDate.js';
import type { Reader } from '../history/recordChange.js';
import { isClosed, statuses } from '../plans/vocabulary.js';
import { heldToTarget, loadActionHistories, stateAt, type ActionState } from './actionStates.js';
import { biggestMovers, moverOf, type Mover, type ScoredChange } from './dashboardMovers.js';
import { trendDays, trendOf, type TrendPoint } from './dashboardTrend.js';

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

export function noCounts(): StatusCounts {
  return Object.fromEntries(statuses.map((status) => [status, 0])) as StatusCounts;
}

/** The state of an action as it stands, in the shape history gives. */
function currentState(action: CurrentAction): ActionState {
  return {
    at: '',
    deleted: false,
    status: action.status,
    rag: action.rag,
    targetText: action.target_text,
    targetKind: action.target_kind,
    targetEnd: action.target_end,
    revisedText: action.revised_target_text,
    revisedKind: action.revised_target_kind,
    revisedEnd: action.revised_target_end,
  };
}

type CurrentAction = Awaited<ReturnType<typeof currentActions>>[number];

function currentActions(db: Reader, planIds: string[]) {
  return db
    .selectFrom('actions')
    .select([
      'id',
      'plan_id',
      'theme_id',
      'horizon_id',
      'ref',
      'title',
      'status',
      'rag',
      'rag_reason',
      'target_text',
      'target_kind',
      'target_end',
      'revised_target_text',
      'revised_target_kind',
      'revised_target_end',
      'revised_reason',
      'position',
    ])
    .where('plan_id', 'in', planIds)
    .orderBy('position')
    .execute();
}

function grouped<K extends string>(keys: K[], labels: Map<K, { label: string; href: string | null }>) {
  const groups = new Map<K, StatusGroup>();
  for (const key of keys) {
    const named = labels.get(key)!;
    groups.set(key, { label: named.label, href: named.href, counts: noCounts(), total: 0 });
  }
  return groups;
}

function count(group: StatusGroup | undefined, status: Status): void {
  if (!group) return;
  group.counts[status] += 1;
  group.total += 1;
}

/**
 * The figures for these plans (ids; empty for none). `today` is the day overdue and the next board are judged by; the
 * trend counts at the end of each month before it.
 */
export async function loadDashboard(
  db: Reader,
  planIds: string[],
  groupKind: 'theme' | 'plan',
  today = todayIso(),
): Promise<DashboardFigures> {
  const ids = planIds.length > 0 ? planIds : [''];
  const [plans, actions, themes, horizons, rounds, reports, histories] = await Promise.all([
    db
      .selectFrom('plans')
      .select(['id', 'slug', 'title', 'created_at'])
      .where('id', 'in', ids)
      .orderBy('title')
      .execute(),
    currentActions(db, ids),
    db
      .selectFrom('themes')
      .select(['id', 'plan_id', 'title'])
      .where('plan_id', 'in', ids)
      .orderBy('position')
      .execute(),
    db
      .selectFrom('horizons')
      .select(['id', 'plan_id', 'name'])
      .where('plan_id', 'in', ids)
      .orderBy('position')
      .execute(),
    db
      .selectFrom('update_rounds')
      .select(['plan_id', 'meeting_name', 'meeting_on'])
      .where('plan_id', 'in', ids)
      .where('meeting_on', '>=', today)
      .orderBy('meeting_on')
      .execute(),
    db
      .selectFrom('reports')
      .select(['plan_id', 'period_text', 'period_end', 'published_at'])
      .where('plan_id', 'in', ids)
      .where('status', 'in', ['published', 'superseded'])
      .where('published_at', 'is not', null)
      .execute(),
    loadActionHistories(db, planIds),
  ]);
  const planById = new Map(plans.map((plan) => [plan.id, plan]));
  const named = (planId: string): PlanNamed => {
    const plan = planById.get(planId)!;
    return { slug: plan.slug, title: plan.title };
  };

  const counts = noCounts();
  const rag: RagCounts = { red: 0, amber: 0, green: 0, none: 0 };
  let overdue = 0;
  for (const action of actions) {
    counts[action.status] += 1;
    if (isOverdue(heldToTarget(currentState(action)), action.status, today)) overdue += 1;
    if (!isClosed(action.status)) rag[action.rag ?? 'none'] += 1;
  }
  const notCancelled = actions.length - counts.cancelled;

  // Status by theme (or plan), then by horizon: actions outside any are counted under "No theme" or "No horizon".
  const noGroup = '';
  const groupLabels = new Map<string, { label: string; href: string | null }>();
  if (groupKind === 'theme') {
    const slug = plans[0]?.slug ?? '';
    for (const theme of themes)
      groupLabels.set(theme.id, { label: theme.title, href: `/plans/${slug}/themes/${theme.id}` });
  } else {
    for (const plan of plans)
      groupLabels.set(plan.id, { label: plan.title, href: `/plans/${plan.slug}/dashboard` });
  }
  groupLabels.set(noGroup, { label: 'No theme', href: null });
  const byGroup = grouped([...groupLabels.keys()], groupLabels);
  // Horizons of the same name in several plans are one bar across plans.
  const horizonName = new Map(horizons.map((h) => [h.id, h.name]));
  const horizonLabels = new Map<string, { label: string; href: string | null }>();
  for (const horizon of horizons) horizonLabels.set(horizon.name, { label: horizon.name, href: null });
  horizonLabels.set(noGroup, { label: 'No horizon', href: null });
  const byHorizon = grouped([...horizonLabels.keys()], horizonLabels);
  for (const action of actions) {
    count(byGroup.get(groupKind === 'theme' ? (action.theme_id ?? noGroup) : action.plan_id), action.status);
    count(byHorizon.get((action.horizon_id && horizonName.get(action.horizon_id)) || noGroup), action.status);
  }
  const shown = (groups: Map<string, StatusGroup>) =>
    [...groups.entries()]
      .filter(([key, group]) => key !== noGroup || group.total > 0)
      .map(([, group]) => group);

  // The next board of each plan, and what falls due by it.
  const boards: NextBoard[] = [];
  for (const round of rounds) {
    if (boards.some((board) => board.slug === planById.get(round.plan_id)?.slug)) continue;
    const due = actions.filter((action) => {
      if (action.plan_id !== round.plan_id || isClosed(action.status)) return false;
      const target = heldToTarget(currentState(action));
      return (
        target.kind === 'date' && target.end !== null && target.end >= today && target.end <= round.meeting_on
      );
    }).length;
    boards.push({
      ...named(round.plan_id),
      meetingName: round.meeting_name,
      meetingOn: round.meeting_on,
      due,
    });
  }
  const withoutBoard = plans
    .filter((plan) => !boards.some((board) => board.slug === plan.slug))
    .map((plan) => named(plan.id));

  // The trend, over the life of the oldest plan.
  const start = plans.reduce(
    (earliest, plan) => (plan.created_at < earliest ? plan.created_at : earliest),
    today,
  );
  const trend = trendOf(
    trendDays(start.slice(0, 10), today),
    [...histories.byAction.values()].map((entry) => entry.states),
    actions.map(currentState),
  );

  // The movers since each plan's last published report.
  const lastReport = new Map<string, (typeof reports)[number]>();
  for (const report of reports) {
    const known = lastReport.get(report.plan_id);
    if (!known || report.published_at! > known.published_at!) lastReport.set(report.plan_id, report);
  }
  const movers: ScoredChange[] = [];
  for (const action of actions) {
    const report = lastReport.get(action.plan_id);
    const states = histories.byAction.get(action.id)?.states;
    if (!report || !states) continue;
    const then = stateAt(states, report.published_at!);
    if (!then) continue;
    const plan = named(action.plan_id);
    const mover = moverOf(
      {
        planSlug: plan.slug,
        planTitle: plan.title,
        id: action.id,
        ref: action.ref,
        title: action.title,
        ragReason: action.rag_reason,
        revisedReason: action.revised_reason,
        now: currentState(action),
      },
      then,
    );
    if (mover) movers.push(mover);
  }

  return {
    today,
    plans: plans.map((plan) => named(plan.id)),
    total: actions.length,
    counts,
    percentComplete: notCancelled > 0 ? Math.round((100 * counts.complete) / notCancelled) : null,
    overdue,
    boards,
    withoutBoard,
    groupKind,
    byGroup: shown(byGroup),
    byHorizon: shown(byHorizon),
    rag,
    trend,
    movers: {
      since: plans
        .filter((plan) => lastReport.has(plan.id))
        .map((plan) => {
          const report = lastReport.get(plan.id)!;
          return {
            ...named(plan.id),
            period: report.period_text || report.period_end || '',
            publishedAt: report.published_at!,
          };
        }),
      withoutReport: plans.filter((plan) => !lastReport.has(plan.id)).map((plan) => named(plan.id)),
      actions: biggestMovers(movers),
    },
  };
}
