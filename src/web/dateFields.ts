// The GOV.UK date input: a date asked for as day, month and year fields named <name>-day, <name>-month, <name>-year,
// read into an ISO date or a message in the Design System's words, and drawn again with only the faulty fields marked.
import type { FormBody } from './forms.js';

export type DatePart = 'day' | 'month' | 'year';

const dateParts: DatePart[] = ['day', 'month', 'year'];

export interface DateFieldRules {
  /** What the date is, as it reads after "Enter the": "date of the update", "first day of the period". */
  label: string;
  required?: boolean;
  /** Today (ISO), for a date that must be today or in the past. */
  notAfter?: string;
}

export type DateFieldReading =
  | { ok: true; iso: string | null }
  | {
      ok: false;
      /** The id of the first field in error, for the error summary's link. */
      field: string;
      message: string;
    };

type Typed = Record<DatePart, string>;

/** What was typed, before any judgement: an ISO date, nothing at all, or the parts at fault and why. */
type Judgement =
  | { kind: 'date'; iso: string }
  | { kind: 'empty' }
  | { kind: 'fault'; parts: DatePart[]; message: (label: string) => string };

const monthNames = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];

function dayNumber(text: string): number | null {
  const match = /^(\d{1,2})(?:st|nd|rd|th)?$/i.exec(text);
  const day = match ? Number(match[1]) : NaN;
  return day >= 1 && day <= 31 ? day : null;
}

/** Months as numbers, or as names written in full or shortened ("march", "Mar", "Sept"). */
function monthNumber(text: string): number | null {
  if (/^\d{1,2}$/.test(text)) {
    const month = Number(text);
    return month >= 1 && month <= 12 ? month : null;
  }
  const lower = text.toLowerCase().replace(/\.$/, '');
  if (lower.length < 3) return null;
  const index = monthNames.findIndex(
    (name) => name.startsWith(lower) || (lower === 'sept' && name === 'september'),
  );
  return index === -1 ? null : index + 1;
}

function joinParts(parts: DatePart[]): string {
  return parts.length === 1 ? parts[0]! : `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)!}`;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function isoOf(year: number, month: number, day: number): string {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

function judge(typed: Typed): Judgement {
  const missing = dateParts.filter((part) => typed[part] === '');
  if (missing.length === dateParts.length) return { kind: 'empty' };
  if (missing.length > 0)
    return {
      kind: 'fault',
      parts: missing,
      message: (label) => `${capitalise(label)} must include a ${joinParts(missing)}`,
    };
  if (!/^\d+$/.test(typed.year) || typed.year.length !== 4)
    return { kind: 'fault', parts: ['year'], message: () => 'Year must include 4 numbers' };
  const day = dayNumber(typed.day);
  const month = monthNumber(typed.month);
  const wrong = dateParts.filter(
    (part) => (part === 'day' && day === null) || (part === 'month' && month === null),
  );
  const realDate = (label: string) => `${capitalise(label)} must be a real date`;
  if (wrong.length > 0 || day === null || month === null)
    return { kind: 'fault', parts: wrong, message: realDate };
  const year = Number(typed.year);
  // 31 February: neither field is wrong alone, so the date is marked as a whole.
  if (new Date(Date.UTC(year, month - 1, day)).getUTCDate() !== day)
    return { kind: 'fault', parts: dateParts, message: realDate };
  return { kind: 'date', iso: isoOf(year, month, day) };
}

function typedParts(values: FormBody | undefined, name: string): Typed | null {
  const posted = dateParts.map((part) => values?.[`${name}-${part}`]);
  if (posted.every((value) => value === undefined)) return null;
  const [day, month, year] = posted.map(
    (value) => (Array.isArray(value) ? value[value.length - 1] : value)?.trim() ?? '',
  );
  return { day: day!, month: month!, year: year! };
}

/** Whether a form sent the date's fields at all, even empty: a form without them (a script's) did not ask. */
export function dateFieldSent(body: FormBody | undefined, name: string): boolean {
  return typedParts(body, name) !== null;
}

/** Reads the date fields named after `name` from a posted form. */
export function readDateField(
  body: FormBody | undefined,
  name: string,
  rules: DateFieldRules,
): DateFieldReading {
  const judgement = judge(typedParts(body, name) ?? { day: '', month: '', year: '' });
  const fault = (parts: DatePart[], message: string): DateFieldReading => ({
    ok: false,
    field: `${name}-${parts[0] ?? 'day'}`,
    message,
  });
  if (judgement.kind === 'empty')
    return rules.required ? fault(dateParts, `Enter the ${rules.label}`) : { ok: true, iso: null };
  if (judgement.kind === 'fault') return fault(judgement.parts, judgement.message(rules.label));
  if (rules.notAfter !== undefined && judgement.iso > rules.notAfter)
    return fault(dateParts, `${capitalise(rules.label)} must be today or in the past`);
  return { ok: true, iso: judgement.iso };
}

/** The form values that show an ISO date in the date fields: 2024-03-27 as 27, 3 and 2024. */
export function dateFieldValues(name: string, iso: string | null | undefined): Record<string, string> {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso ?? '');
  return {
    [`${name}-day`]: match ? String(Number(match[3])) : '',
    [`${name}-month`]: match ? String(Number(match[2])) : '',
    [`${name}-year`]: match ? match[1]! : '',
  };
}

/** The message for a date, whether it was filed under the date's name or under the first field at fault. */
function dateMessage(errors: Record<string, string> | undefined, name: string): string | undefined {
  return errors?.[name] ?? dateParts.map((part) => errors?.[`${name}-${part}`]).find(Boolean);
}

export interface DateInputOptions {
  name: string;
  legend: string;
  hint?: string;
  /** The form as posted (with <name>-day, …) or as first shown (with <name> holding an ISO date). */
  values?: FormBody;
  errors?: Record<string, string>;
  /** Extra classes for the legend, such as govuk-fieldset__legend--s. */
  legendClasses?: string;
}

/** The options of GOV.UK's govukDateInput macro for one date, with its error and only its faulty fields marked. */
export function dateInputOptions(options: DateInputOptions) {
  const { name, values, errors } = options;
  const iso = values?.[name];
  const typed =
    typedParts(values, name) ?? typedParts(dateFieldValues(name, typeof iso === 'string' ? iso : ''), name)!;
  const message = dateMessage(errors, name);
  const judgement = judge(typed);
  const faulty = message ? (judgement.kind === 'fault' ? judgement.parts : dateParts) : [];
  return {
    id: name,
    namePrefix: name,
    fieldset: {
      legend: { text: options.legend, classes: options.legendClasses ?? 'govuk-fieldset__legend--s' },
    },
    hint: { text: options.hint ?? 'For example, 27 3 2024' },
    errorMessage: message ? { text: message } : undefined,
    items: dateParts.map((part) => ({
      name: part,
      value: typed[part],
      classes: part === 'year' ? 'govuk-input--width-4' : 'govuk-input--width-2',
      error: faulty.includes(part),
    })),
  };
}

/** Reads several dates of one form; each fault is filed under the first field at fault, for the error summary's link. */
export function readDateFields<Name extends string>(
  body: FormBody | undefined,
  fields: Record<Name, DateFieldRules>,
): { dates: Record<Name, string | null>; errors: Record<string, string> } {
  const dates = {} as Record<Name, string | null>;
  const errors: Record<string, string> = {};
  for (const name of Object.keys(fields) as Name[]) {
    const reading = readDateField(body, name, fields[name]);
    if (reading.ok) dates[name] = reading.iso;
    else errors[reading.field] = reading.message;
  }
  return { dates, errors };
}

/** Files a command's complaint about a date under the date's first field, where the error summary's link lands. */
export function linkDateErrors(errors: Record<string, string>, names: string[]): Record<string, string> {
  return Object.fromEntries(
    Object.entries(errors).map(([field, message]) => [
      names.includes(field) ? `${field}-day` : field,
      message,
    ]),
  );
}
