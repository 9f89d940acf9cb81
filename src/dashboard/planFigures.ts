// One plan's part of the dashboard: its counts, next board, trend and biggest movers. Built for several plans in a
// handful of statements, kept per plan at its content version (dashboardCache.ts) and added up for the view across
// plans (dashboardFigures.ts), so a change in one plan builds that plan's part again and no other.
import type { Status } from '../db/schema.js';
import { isOverdue } from '../dates/targetDate.js';
import type { Reader } from '../history/recordChange.js';
import { isClosed, statuses } from '../plans/vocabulary.js';
import { heldColumns, stoodAt, type ActionState } from './actionStates.js';
import type { NextBoard, RagCounts, StatusCounts, StatusGroup } from './dashboardFigures.js';
import { moverOf, topChanges, type ScoredChange } from './dashboardMovers.js';
import { countState, loadTrend, trendDays, type TrendPoint } from './dashboardTrend.js';

export function noCounts(): StatusCounts {
  return Object.fromEntries(statuses.map((status) => [status, 0])) as StatusCounts;
}

/** A horizon's bar within one plan: horizons are matched by name across plans, in the order of their positions. */
export interface HorizonCounts {
  name: string;
  position: number;
  counts: StatusCounts;
  total: number;
}

export interface PlanFigures {
  id: string;
  slug: string;
  title: string;
  createdAt: string;
  total: number;
  counts: StatusCounts;
  overdue: number;
  rag: RagCounts;
  board: NextBoard | null;
  /** Each theme in the plan's order, then the actions in no theme (a bar shown only when it has any). */
  byTheme: StatusGroup[];
  byHorizon: HorizonCounts[];
  /** The actions in no horizon. */
  noHorizon: StatusGroup;
  /** The trend over the last 12 months whatever the plan's age: a view across older plans may show all of them. */
  trend: TrendPoint[];
  /** The last published report, which movers are measured from. */
  report: { period: string; publishedAt: string } | null;
  /** The plan's biggest movers, ranked, with their reasons: the view across plans ranks these again. */
  movers: ScoredChange[];
}

type CurrentAction = ActionState & {
  id: string;
  theme_id: string | null;
  horizon_id: string | null;
  ref: string;
  title: string;
};

// One statement a plan, so no row repeats the plan's id; the reasons, long HTML, are read only for the few movers shown.
function currentActions(db: Reader, planId: string) {
  return db
    .selectFrom('actions')
    .select([
      'id',
      'theme_id',
      'horizon_id',
      'ref',
      'title',
      'status',
      'rag',
      ...heldColumns('actions', 'revised_target', 'held'),
    ])
    .where('plan_id', '=', planId)
    .orderBy('position')
    .execute() as Promise<CurrentAction[]>;
}

/**
 * The state each action of the plan stood in at `at` (the last report), from the states kept beside the history,
 * picked in SQL: one row an action, where the history holds several. Read on its own, not joined to the actions, so
 * that no plan of PostgreSQL's, whatever it knows of the tables, compares every action with every state.
 */
async function statesAt(db: Reader, planId: string, at: string): Promise<Map<string, ActionState>> {
  const rows = (await db
    .selectFrom('action_states as reported')
    .select(['action_id', 'status', 'rag', ...heldColumns('reported', 'revised', 'held')])
    .where('plan_id', '=', planId)
    .where(stoodAt('reported', at))
    .execute()) as ({ action_id: string } & ActionState)[];
  return new Map(rows.map((row) => [row.action_id, row]));
}

function group(label: string, href: string | null): StatusGroup {
  return { label, href, counts: noCounts(), total: 0 };
}

function count(into: { counts: StatusCounts; total: number } | undefined, status: Status): void {
  if (!into) return;
  into.counts[status] += 1;
  into.total += 1;
}

/** Plans whose rows are read at once. */
const plansAtOnce = 3;

/** The days every part's trend counts at: the most a view shows, the month under way and the 11 before it. */
export function partTrendDays(today: string): string[] {
  // Any start more than a year back gives all of them.
  return trendDays(`${Number(today.slice(0, 4)) - 2}-01-01`, today);
}

/**
 * The part of each of these plans (ids), in the plans' order by title, as at `today`: overdue, the next board and the
 * trend's last point are judged by it, so a part is kept for the day it was built on.
 */
export async function loadPlanFigures(db: Reader, planIds: string[], today: string): Promise<PlanFigures[]> {
  if (planIds.length === 0) return [];
  const [plans, themes, horizons, rounds, reports] = await Promise.all([
    db
      .selectFrom('plans')
      .select(['id', 'slug', 'title', 'created_at'])
      .where('id', 'in', planIds)
      .orderBy('title')
      .execute(),
    db
      .selectFrom('themes')
      .select(['id', 'plan_id', 'title'])
      .where('plan_id', 'in', planIds)
      .orderBy('position')
      .execute(),
    db
      .selectFrom('horizons')
      .select(['id', 'plan_id', 'name', 'position'])
      .where('plan_id', 'in', planIds)
      .orderBy('position')
      .execute(),
    db
      .selectFrom('update_rounds')
      .select(['plan_id', 'meeting_name', 'meeting_on'])
      .where('plan_id', 'in', planIds)
      .where('meeting_on', '>=', today)
      .orderBy('meeting_on')
      .execute(),
    db
      .selectFrom('reports')
      .select(['plan_id', 'period_text', 'period_end', 'published_at'])
      .where('plan_id', 'in', planIds)
      .where('status', 'in', ['published', 'superseded'])
      .where('published_at', 'is not', null)
      .execute(),
  ]);
  const days = partTrendDays(today);
  const parts = new Map<string, PlanFigures>();
  const themeGroups = new Map<string, StatusGroup>();
  const horizonGroups = new Map<string, HorizonCounts>();
  for (const plan of plans) {
    const byTheme: StatusGroup[] = [];
    for (const theme of themes)
      if (theme.plan_id === plan.id) {
        const themeGroup = group(theme.title, `/plans/${plan.slug}/themes/${theme.id}`);
        themeGroups.set(theme.id, themeGroup);
        byTheme.push(themeGroup);
      }
    byTheme.push(group('No theme', null));
    // Horizons of the same name in a plan are one bar.
    const byName = new Map<string, HorizonCounts>();
    for (const horizon of horizons)
      if (horizon.plan_id === plan.id && horizon.name !== '') {
        let named = byName.get(horizon.name);
        if (!named) {
          named = { name: horizon.name, position: horizon.position, counts: noCounts(), total: 0 };
          byName.set(horizon.name, named);
        }
        horizonGroups.set(horizon.id, named);
      }
    const lastReport = reports
      .filter((report) => report.plan_id === plan.id)
      .reduce<(typeof reports)[number] | null>(
        (last, report) => (!last || report.published_at! > last.published_at! ? report : last),
        null,
      );
    parts.set(plan.id, {
      id: plan.id,
      slug: plan.slug,
      title: plan.title,
      createdAt: plan.created_at,
      total: 0,
      counts: noCounts(),
      overdue: 0,
      rag: { red: 0, amber: 0, green: 0, none: 0 },
      board: null,
      byTheme,
      byHorizon: [...byName.values()],
      noHorizon: group('No horizon', null),
      trend: [],
      report: lastReport && {
        period: lastReport.period_text || lastReport.period_end || '',
        publishedAt: lastReport.published_at!,
      },
      movers: [],
    });
  }

  // The next board of each plan: the nearest meeting of an update request, today or later.
  const nextMeeting = new Map<string, (typeof rounds)[number]>();
  for (const round of rounds) if (!nextMeeting.has(round.plan_id)) nextMeeting.set(round.plan_id, round);

  // Counts, overdue, the RAG mix and what falls due by the board, each action in its theme and horizon; the changes
  // since the plan's last report; the trend. A row an action and a few for the trend, so several plans are read at
  // once: on PostgreSQL the server works on one plan while its driver reads another's rows. A few at a time, as each
  // takes three connections of the pool's ten.
  const waiting = [...parts.values()];
  const nextPart = async (): Promise<void> => {
    const part = waiting.shift();
    if (!part) return;
    const [actions, reported, trend] = await Promise.all([
      currentActions(db, part.id),
      part.report ? statesAt(db, part.id, part.report.publishedAt) : new Map<string, ActionState>(),
      loadTrend(db, part.id, days),
    ]);
    const round = nextMeeting.get(part.id);
    let due = 0;
    const changes: ScoredChange[] = [];
    const todayPoint = trend.at(-1)!;
    for (const action of actions) {
      countState(todayPoint, action, today);
      part.total += 1;
      part.counts[action.status] += 1;
      if (isOverdue({ kind: action.heldKind, end: action.heldEnd }, action.status, today)) part.overdue += 1;
      if (!isClosed(action.status)) {
        part.rag[action.rag ?? 'none'] += 1;
        const end = action.heldKind === 'date' ? action.heldEnd : null;
        if (round && end !== null && end >= today && end <= round.meeting_on) due += 1;
      }
      const themeGroup = action.theme_id === null ? part.byTheme.at(-1) : themeGroups.get(action.theme_id);
      count(themeGroup, action.status);
      count((action.horizon_id && horizonGroups.get(action.horizon_id)) || part.noHorizon, action.status);

      const then = reported.get(action.id);
      if (!then) continue;
      const change = moverOf(
        {
          planSlug: part.slug,
          planTitle: part.title,
          id: action.id,
          ref: action.ref,
          title: action.title,
          ragReason: '',
          revisedReason: '',
          now: {
            status: action.status,
            rag: action.rag,
            heldKind: action.heldKind,
            heldEnd: action.heldEnd,
            heldText: action.heldText,
          },
        },
        then,
      );
      if (change) changes.push(change);
    }
    if (round)
      part.board = {
        slug: part.slug,
        title: part.title,
        meetingName: round.meeting_name,
        meetingOn: round.meeting_on,
        due,
      };
    part.trend = trend;
    part.movers = topChanges(changes);
    await nextPart();
  };
  await Promise.all(Array.from({ length: plansAtOnce }, nextPart));

  // Only the movers that may be shown are given their reasons.
  const shown = [...parts.values()].flatMap((part) => part.movers);
  if (shown.length > 0) {
    const reasons = new Map(
      (
        await db
          .selectFrom('actions')
          .select(['id', 'rag_reason', 'revised_reason'])
          .where(
            'id',
            'in',
            shown.map((mover) => mover.action.id),
          )
          .execute()
      ).map((row) => [row.id, row]),
    );
    for (const mover of shown) {
      const reason = reasons.get(mover.action.id);
      mover.action.ragReason = reason?.rag_reason ?? '';
      mover.action.revisedReason = reason?.revised_reason ?? '';
      if (mover.change.rag) mover.change.rag.reason = mover.action.ragReason;
      if (mover.change.targetDate) mover.change.targetDate.reason = mover.action.revisedReason;
    }
  }
  return [...parts.values()];
}
