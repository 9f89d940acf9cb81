// The dashboard's trend: how many actions were complete, in progress and overdue at each month's end over a plan's
// life (the last 12 months at most), from the actions' states, with today's figures for the month under way.
import { sql } from 'kysely';
import { addDays, isOverdue } from '../dates/targetDate.js';
import { londonInstantIso } from '../dates/ukDate.js';
import type { Reader } from '../history/recordChange.js';
import { heldDate, stoodAt, type ActionState } from './actionStates.js';

export interface TrendPoint {
  /** The day counted at: a month's last day, or today for the month under way. */
  on: string;
  complete: number;
  /** In progress or ongoing. */
  inProgress: number;
  overdue: number;
}

/** At most this many points: the month under way and the 11 before it. */
export const trendMonths = 12;

function lastDayOfMonth(year: number, month: number): string {
  return new Date(Date.UTC(year, month, 0)).toISOString().slice(0, 10);
}

/** The days the trend counts at: each month's last day from the month `start` falls in, then `today`. */
export function trendDays(start: string, today: string): string[] {
  const [todayYear, todayMonth] = today.split('-').map(Number) as [number, number];
  let [year, month] = start.split('-').map(Number) as [number, number];
  const earliest = todayYear * 12 + todayMonth - trendMonths;
  if (year * 12 + month <= earliest) {
    year = Math.floor(earliest / 12);
    month = (earliest % 12) + 1;
  }
  const days: string[] = [];
  while (year * 12 + month < todayYear * 12 + todayMonth) {
    days.push(lastDayOfMonth(year, month));
    month += 1;
    if (month > 12) {
      month = 1;
      year += 1;
    }
  }
  days.push(today);
  return days;
}

export function countState(point: TrendPoint, state: ActionState, on: string): void {
  if (state.status === 'complete') point.complete += 1;
  if (state.status === 'in_progress' || state.status === 'ongoing') point.inProgress += 1;
  if (isOverdue({ kind: state.heldKind, end: state.heldEnd }, state.status, on)) point.overdue += 1;
}

/** The end of a day: the last instant before the next day begins in London. */
function endOfDay(on: string): string {
  return new Date(Date.parse(londonInstantIso(addDays(on, 1), 0, 0)) - 1).toISOString();
}

/**
 * A plan's trend over `days` (from trendDays): at each past day, its actions as their states stood at the end of that
 * day in London. The last day, today, is left at nought for its caller to count from the actions as they stand
 * (countState), as it counts the figures above the trend from them.
 *
 * A past day's point cannot change: every state is written at the moment of its change, after the day. So each is
 * counted once and kept (trend_points), a periodic snapshot; the dashboard across ten plans then reads 110 rows where
 * it would count some 200,000 pairs of day and state. A kept point is used only while no state written since it was
 * counted is dated by the end of its day (a clock put back, a transaction open across midnight): such a state makes
 * it stale, and it is counted again.
 */
export async function loadTrend(db: Reader, planId: string, days: string[]): Promise<TrendPoint[]> {
  const points = days.map((on) => ({ on, complete: 0, inProgress: 0, overdue: 0 }));
  const past = days.slice(0, -1);
  if (past.length === 0) return points;
  const counted = new Map<string, Omit<TrendPoint, 'on'>>();
  for (const [on, point] of await keptPoints(db, planId, past)) counted.set(on, point);
  const missing = past.filter((on) => !counted.has(on));
  if (missing.length > 0) {
    // The last state there is before counting: a state written meanwhile is after it, so checked when next read.
    const upto = await lastStateId(db, planId);
    const fresh = await countPoints(db, planId, missing);
    for (const [on, point] of fresh) counted.set(on, point);
    await keepPoints(db, planId, fresh, upto);
  }
  for (const point of points) Object.assign(point, counted.get(point.on));
  return points;
}

async function lastStateId(db: Reader, planId: string): Promise<number> {
  const row = await db
    .selectFrom('action_states')
    .select((eb) => eb.fn.max('id').as('id'))
    .where('plan_id', '=', planId)
    .executeTakeFirst();
  return Number(row?.id ?? 0);
}

/** The kept points of these days that still hold: none of the states written since is dated by the day's end. */
async function keptPoints(
  db: Reader,
  planId: string,
  days: string[],
): Promise<Map<string, Omit<TrendPoint, 'on'>>> {
  const rows = await db
    .selectFrom('trend_points')
    .select(['on_day', 'complete', 'in_progress', 'overdue', 'upto_state_id'])
    .where('plan_id', '=', planId)
    .where('on_day', 'in', days)
    .execute();
  const kept = new Map<string, Omit<TrendPoint, 'on'>>();
  if (rows.length === 0) return kept;
  const since = Math.min(...rows.map((row) => Number(row.upto_state_id)));
  const earliest = await db
    .selectFrom('action_states')
    .select((eb) => eb.fn.min('at').as('at'))
    .where('plan_id', '=', planId)
    .where('id', '>', since)
    .executeTakeFirst();
  for (const row of rows) {
    const stale = earliest?.at != null && earliest.at <= endOfDay(row.on_day);
    if (!stale)
      kept.set(row.on_day, { complete: row.complete, inProgress: row.in_progress, overdue: row.overdue });
  }
  return kept;
}

/** Keeps the points of days that ended more than a day ago (a margin for the clocks of several servers). */
async function keepPoints(
  db: Reader,
  planId: string,
  points: Map<string, Omit<TrendPoint, 'on'>>,
  upto: number,
): Promise<void> {
  const before = new Date(Date.now() - 24 * 60 * 60 * 1000).toISOString();
  const rows = [...points]
    .filter(([on]) => endOfDay(on) < before)
    .map(([on, point]) => ({
      plan_id: planId,
      on_day: on,
      complete: point.complete,
      in_progress: point.inProgress,
      overdue: point.overdue,
      upto_state_id: upto,
    }));
  if (rows.length === 0) return;
  // Two servers counting the same day at once count the same: the last to write keeps its own.
  await db
    .insertInto('trend_points')
    .values(rows)
    .onConflict((conflict) =>
      conflict.columns(['plan_id', 'on_day']).doUpdateSet((eb) => ({
        complete: eb.ref('excluded.complete'),
        in_progress: eb.ref('excluded.in_progress'),
        overdue: eb.ref('excluded.overdue'),
        upto_state_id: eb.ref('excluded.upto_state_id'),
      })),
    )
    .execute();
}

/** The points of these past days, counted in SQL from the states, so a few rows reach here rather than every state. */
async function countPoints(
  db: Reader,
  planId: string,
  days: string[],
): Promise<Map<string, Omit<TrendPoint, 'on'>>> {
  const moments = sql.join(
    days.map((on) => sql`select ${on} as on_day, ${endOfDay(on)} as end_at`),
    sql` union all `,
  );
  const kind = heldDate('states', 'revised', 'kind');
  const end = heldDate('states', 'revised', 'end');
  // Complete, in progress or ongoing, and overdue as isOverdue judges it: open, held to a date before the day.
  const { rows } = await sql<{ on_day: string; complete: Count; in_progress: Count; overdue: Count }>`
    with moments as (${moments})
    select moments.on_day,
      sum(case when states.status = 'complete' then 1 else 0 end) as complete,
      sum(case when states.status in ('in_progress', 'ongoing') then 1 else 0 end) as in_progress,
      sum(case when states.status not in ('complete', 'cancelled') and ${kind} = 'date' and ${end} < moments.on_day
        then 1 else 0 end) as overdue
    from moments join action_states as states on ${stoodAt('states', sql.ref('moments.end_at'))}
    where states.plan_id = ${planId}
    group by moments.on_day`.execute(db);
  // A day with no action standing has no row: it counts nought.
  const points = new Map(days.map((on) => [on, { complete: 0, inProgress: 0, overdue: 0 }]));
  for (const row of rows)
    points.set(row.on_day, {
      complete: Number(row.complete),
      inProgress: Number(row.in_progress),
      overdue: Number(row.overdue),
    });
  return points;
}

/** A sum as each database's driver gives it: PostgreSQL's bigint comes as text. */
type Count = number | string;
