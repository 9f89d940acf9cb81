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
 * day in London, counted in SQL, so a few rows reach here rather than every state (those of actions since deleted
 * too). The last day, today, is left at nought for its caller to count from the actions as they stand (countState),
 * as it counts the figures above the trend from them.
 */
export async function loadTrend(db: Reader, planId: string, days: string[]): Promise<TrendPoint[]> {
  const points = days.map((on) => ({ on, complete: 0, inProgress: 0, overdue: 0 }));
  const past = days.slice(0, -1);
  if (past.length > 0) {
    const moments = sql.join(
      past.map((on) => sql`select ${on} as on_day, ${endOfDay(on)} as end_at`),
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
    for (const row of rows) {
      const point = points[past.indexOf(row.on_day)]!;
      point.complete = Number(row.complete);
      point.inProgress = Number(row.in_progress);
      point.overdue = Number(row.overdue);
    }
  }
  return points;
}

/** A sum as each database's driver gives it: PostgreSQL's bigint comes as text. */
type Count = number | string;
