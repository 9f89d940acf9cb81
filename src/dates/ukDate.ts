// Dates as UK readers expect them: "7 August 2021", "September 2021", "1 April – 30 June 2024".
import type { TargetDate } from './targetDate.js';

const monthNames = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

function parts(isoDate: string): [number, number, number] {
  const [year, month, day] = isoDate.slice(0, 10).split('-').map(Number);
  return [year ?? 0, month ?? 1, day ?? 1];
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

export function formatUkDate(isoDate: string | null | undefined): string {
  if (!isoDate) return '';
  const [year, month, day] = parts(isoDate);
  return `${day} ${monthNames[month - 1]} ${year}`;
}

export function formatUkDateRange(start: string | null, end: string | null): string {
  if (!start || !end) return formatUkDate(start ?? end);
  if (start === end) return formatUkDate(start);
  const [sy, sm, sd] = parts(start);
  const [ey, em, ed] = parts(end);
  if (sy === ey && sm === em && sd === 1 && ed === daysInMonth(ey, em)) return `${monthNames[sm - 1]} ${sy}`;
  if (sy === ey) return `${sd} ${monthNames[sm - 1]} – ${formatUkDate(end)}`;
  return `${formatUkDate(start)} – ${formatUkDate(end)}`;
}

/** Today in the server's local time zone, as an ISO date. */
export function todayIso(now: Date = new Date()): string {
  return `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}-${String(now.getDate()).padStart(2, '0')}`;
}

const kindDescriptions: Record<string, string> = {
  ongoing: 'Ongoing',
  not_applicable: 'Not applicable',
  complete: 'Complete',
  to_be_confirmed: 'To be confirmed',
  unparsed: 'Not recognised',
  none: 'No date',
};

export function describeTargetDate(target: Pick<TargetDate, 'kind' | 'start' | 'end'>): string {
  if (target.kind === 'date') return formatUkDateRange(target.start, target.end);
  return kindDescriptions[target.kind] ?? 'No date';
}

// Headway's users are in the UK: times are shown, and days begin, in London time whatever the server's own zone.
const londonParts = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

function inLondon(instant: Date): Record<string, number> {
  const fields: Record<string, number> = {};
  for (const part of londonParts.formatToParts(instant))
    if (part.type !== 'literal') fields[part.type] = Number(part.value);
  return fields;
}

/** A timestamp as "7 August 2021, 14:05", in London time. */
export function formatUkDateTime(iso: string | null | undefined): string {
  if (!iso) return '';
  const instant = new Date(iso);
  if (Number.isNaN(instant.getTime())) return '';
  const { year, month, day, hour, minute } = inLondon(instant);
  return `${day} ${monthNames[(month ?? 1) - 1]} ${year}, ${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`;
}

/** The instant (ISO, UTC) at which a London day begins, for filters by date. */
export function londonDayStart(isoDate: string): string {
  return londonInstant(isoDate).toISOString();
}

/**
 * The instant at which London's clocks show this day and time, summer time or not (for a time the clocks skip or
 * repeat, around 1 a.m. on the last Sunday of March or October, the one an hour on either side).
 */
export function londonInstant(isoDate: string, hour = 0, minute = 0, second = 0): Date {
  const [year, month, day] = parts(isoDate);
  const guess = Date.UTC(year, month - 1, day, hour, minute, second);
  const seen = inLondon(new Date(guess));
  const offset =
    Date.UTC(seen.year!, seen.month! - 1, seen.day!, seen.hour!, seen.minute!, seen.second!) - guess;
  return new Date(guess - offset);
}

/** The same instant as stored (ISO, UTC): 14 February 2026 at 12:00 is 12:00Z, in June 11:00Z. */
export function londonInstantIso(isoDate: string, hour: number, minute: number, second = 0): string {
  return londonInstant(isoDate, hour, minute, second).toISOString();
}

/** The day it is in London at this instant, as an ISO date: reminders fall on London's days. */
export function londonDate(instant: Date = new Date()): string {
  const { year, month, day } = inLondon(instant);
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** An instant as London's day (ISO) and time of day ("12:00"), for a form and a banner. */
export function londonDateAndTime(iso: string): { date: string; time: string } {
  const { year, month, day, hour, minute } = inLondon(new Date(iso));
  const two = (n: number | undefined) => String(n ?? 0).padStart(2, '0');
  return { date: `${year}-${two(month)}-${two(day)}`, time: `${two(hour)}:${two(minute)}` };
}
