// The period a new highlight report is offered: from the day after the last published report to today.
import type { ReportRow } from '../db/schema.js';
import { addDays } from '../dates/targetDate.js';
import { formatUkDate } from '../dates/ukDate.js';
import { InvalidInputError, type FieldErrors } from '../errors.js';
import { linkDateErrors, readDateFields } from '../web/dateFields.js';
import type { FormBody } from '../web/forms.js';

export interface SuggestedPeriod {
  periodStart: string;
  periodEnd: string;
  /** Why the period starts where it does, in words for the page. */
  reason: string;
}

function monthsBefore(isoDate: string, months: number): string {
  const date = new Date(`${isoDate}T00:00:00Z`);
  const day = date.getUTCDate();
  date.setUTCDate(1);
  date.setUTCMonth(date.getUTCMonth() - months);
  // 31 May less three months is the last day of February, not 3 March.
  const lastDay = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 0)).getUTCDate();
  date.setUTCDate(Math.min(day, lastDay));
  return date.toISOString().slice(0, 10);
}

/** Drafts do not count: a board has seen only what was published (a corrected report was published too). */
export function suggestedPeriod(
  reports: Pick<ReportRow, 'status' | 'period_end'>[],
  today: string,
): SuggestedPeriod {
  const lastEnd = reports
    .filter((report) => report.status !== 'draft')
    .map((report) => report.period_end)
    .filter((end): end is string => Boolean(end))
    .sort()
    .at(-1);
  if (!lastEnd)
    return {
      periodStart: monthsBefore(today, 3),
      periodEnd: today,
      reason: 'No report has been published yet, so the period starts three months before today.',
    };
  const dayAfter = addDays(lastEnd, 1);
  const ended = `The period starts the day after the last published report, which ended on ${formatUkDate(lastEnd)}`;
  if (dayAfter > today)
    return {
      periodStart: dayAfter,
      periodEnd: dayAfter,
      reason: `${ended}. That is after today, so check the dates.`,
    };
  return { periodStart: dayAfter, periodEnd: today, reason: `${ended}.` };
}

const periodRules = {
  periodStart: { label: 'first day of the period', required: true },
  periodEnd: { label: 'last day of the period', required: true },
};

/** A report's period as posted in day, month and year fields; a date that cannot be read is refused before any change. */
export function periodFromForm(body: FormBody | undefined): { periodStart: string; periodEnd: string } {
  const { dates, errors } = readDateFields(body, periodRules);
  if (Object.keys(errors).length > 0) throw new InvalidInputError(errors);
  return { periodStart: dates.periodStart!, periodEnd: dates.periodEnd! };
}

/** The posted form with its period as ISO dates, to compare with a saved report's. */
export function postedWithPeriod(body: FormBody): FormBody {
  const { dates } = readDateFields(body, periodRules);
  return { ...body, periodStart: dates.periodStart ?? '', periodEnd: dates.periodEnd ?? '' };
}

/** A command's complaint about the period, filed where the error summary's link lands. */
export function periodErrors(errors: FieldErrors): FieldErrors {
  return linkDateErrors(errors, ['periodStart', 'periodEnd']);
}
