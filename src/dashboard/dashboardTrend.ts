// The dashboard's trend: how many actions were complete, in progress and overdue at each month's end over a plan's
// life (the last 12 months at most), from each action's history, with today's figures for the month under way.
import { addDays, isOverdue } from '../dates/targetDate.js';
import { londonInstantIso } from '../dates/ukDate.js';
import { stateAt, type ActionState } from './actionStates.js';

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

/**
 * The trend over `days` (from trendDays): at each past day, the actions as their history stood at the end of that
 * day in London; the last day, today, is counted from `current` (the actions as they stand), as the figures above it.
 */
export function trendOf(
  days: string[],
  histories: Iterable<ActionState[]>,
  current: Iterable<ActionState>,
): TrendPoint[] {
  const points = days.map((on) => ({ on, complete: 0, inProgress: 0, overdue: 0 }));
  // The end of each day: the last instant before the next day begins in London.
  const ends = days
    .slice(0, -1)
    .map((on) => new Date(Date.parse(londonInstantIso(addDays(on, 1), 0, 0)) - 1).toISOString());
  for (const states of histories)
    ends.forEach((end, i) => {
      const state = stateAt(states, end);
      if (state) countState(points[i]!, state, days[i]!);
    });
  const today = points.at(-1)!;
  for (const state of current) countState(today, state, today.on);
  return points;
}
