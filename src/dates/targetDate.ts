// Reads target dates as organisations write them ("end of sept 21", "Q3 2024", "7/8/21") into a date range.

export type TargetDateKind =
  'date' | 'ongoing' | 'not_applicable' | 'complete' | 'to_be_confirmed' | 'unparsed' | 'none';

export interface TargetDate {
  /** The original text, exactly as given. */
  text: string;
  kind: TargetDateKind;
  /** First day of the range, ISO; set only when kind is 'date'. */
  start: string | null;
  /** Last day of the range (inclusive), ISO; set only when kind is 'date'. */
  end: string | null;
}

interface Range {
  start: string;
  end: string;
}

interface Found {
  index: number;
  length: number;
  range: Range;
}

const monthPattern =
  '(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\\.?(?![a-z])';
const yearPattern = "('\\d{2}|\\d{4}|\\d{2})(?![\\d/.])";
const monthNumbers: Record<string, number> = {
  jan: 1,
  feb: 2,
  mar: 3,
  apr: 4,
  may: 5,
  jun: 6,
  jul: 7,
  aug: 8,
  sep: 9,
  oct: 10,
  nov: 11,
  dec: 12,
};

function iso(year: number, month: number, day: number): string {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function monthNumber(name: string): number {
  return monthNumbers[name.slice(0, 3)] ?? 0;
}

function yearNumber(text: string): number | null {
  const digits = text.replace("'", '');
  const year = digits.length === 2 ? 2000 + Number(digits) : Number(digits);
  return year >= 1990 && year <= 2100 ? year : null;
}

function monthRange(year: number, from: number, to = from): Range {
  return { start: iso(year, from, 1), end: iso(year, to, daysInMonth(year, to)) };
}

function dayRange(year: number, month: number, day: number): Range | null {
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  const date = iso(year, month, day);
  return { start: date, end: date };
}

/** The ISO date a number of days after (or before) another. */
export function addDays(isoDate: string, days: number): string {
  const date = new Date(`${isoDate}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

type Reader = [RegExp, (match: RegExpExecArray) => Range | null];

/** Each reader finds one way of writing a date; the earliest (then longest) match in the text wins. */
const readers: Reader[] = [
  [/\b(\d{4})-(\d{2})-(\d{2})\b/g, (m) => dayRange(Number(m[1]), Number(m[2]), Number(m[3]))],
  [
    /\b(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})(?![\d/.])/g,
    (m) => {
      const year = yearNumber(m[3]!);
      return year === null ? null : dayRange(year, Number(m[2]), Number(m[1]));
    },
  ],
  [
    new RegExp(`\\bw/?c:?\\s*(\\d{1,2})\\s+(?:of\\s+)?${monthPattern},?\\s*${yearPattern}`, 'g'),
    (m) => {
      const year = yearNumber(m[3]!);
      const day = year === null ? null : dayRange(year, monthNumber(m[2]!), Number(m[1]));
      return day && { start: day.start, end: addDays(day.start, 6) };
    },
  ],
  [
    new RegExp(`\\b(\\d{1,2})\\s+(?:of\\s+)?${monthPattern},?\\s*${yearPattern}`, 'g'),
    (m) => {
      const year = yearNumber(m[3]!);
      return year === null ? null : dayRange(year, monthNumber(m[2]!), Number(m[1]));
    },
  ],
  [
    new RegExp(
      `\\b(early|beginning of|start of|mid|middle of|late|end of|end)[\\s-]*${monthPattern}[\\s,'-]*${yearPattern}`,
      'g',
    ),
    (m) => {
      const year = yearNumber(m[3]!);
      if (year === null) return null;
      const month = monthNumber(m[2]!);
      const last = daysInMonth(year, month);
      const part = m[1]!;
      if (part.startsWith('end')) return { start: iso(year, month, last), end: iso(year, month, last) };
      if (part === 'late') return { start: iso(year, month, 21), end: iso(year, month, last) };
      if (part.startsWith('mid')) return { start: iso(year, month, 11), end: iso(year, month, 20) };
      return { start: iso(year, month, 1), end: iso(year, month, 10) };
    },
  ],
  [
    new RegExp(
      `\\b${monthPattern}(?:[\\s,]*${yearPattern})?\\s*(?:-|to|until)\\s*${monthPattern}[\\s,'-]*${yearPattern}`,
      'g',
    ),
    (m) => {
      const endYear = yearNumber(m[4]!);
      if (endYear === null) return null;
      const from = monthNumber(m[1]!);
      const to = monthNumber(m[3]!);
      const startYear = m[2] ? yearNumber(m[2]) : from > to ? endYear - 1 : endYear;
      if (startYear === null || startYear > endYear) return null;
      return { start: iso(startYear, from, 1), end: iso(endYear, to, daysInMonth(endYear, to)) };
    },
  ],
  [
    new RegExp(`\\b${monthPattern}[\\s,'-]*${yearPattern}`, 'g'),
    (m) => {
      const year = yearNumber(m[2]!);
      return year === null ? null : monthRange(year, monthNumber(m[1]!));
    },
  ],
  [
    /\bq([1-4])[\s-]*(\d{4})\b/g,
    (m) => {
      const first = (Number(m[1]) - 1) * 3 + 1;
      return monthRange(Number(m[2]), first, first + 2);
    },
  ],
  [
    /\bh([12])[\s-]*(\d{4})\b/g,
    (m) => (m[1] === '1' ? monthRange(Number(m[2]), 1, 6) : monthRange(Number(m[2]), 7, 12)),
  ],
  [
    /\b(?:fy\s*)?(\d{4})\s*[/-]\s*(\d{4}|\d{2})(?![\d/.-])/g,
    (m) => {
      const first = Number(m[1]);
      let second = m[2]!.length === 2 ? Math.floor(first / 100) * 100 + Number(m[2]) : Number(m[2]);
      if (m[2]!.length === 2 && second < first) second += 100;
      if (second !== first + 1) return null;
      // UK public-sector financial years run from 1 April to 31 March.
      return { start: iso(first, 4, 1), end: iso(second, 3, 31) };
    },
  ],
  [
    /\b(spring|summer|autumn|fall|winter)\s*(\d{4})\b/g,
    (m) => {
      const year = Number(m[2]);
      switch (m[1]) {
        case 'spring':
          return monthRange(year, 3, 5);
        case 'summer':
          return monthRange(year, 6, 8);
        case 'winter':
          return { start: iso(year, 12, 1), end: iso(year + 1, 2, daysInMonth(year + 1, 2)) };
        default:
          return monthRange(year, 9, 11);
      }
    },
  ],
  [
    /\b(early|mid|middle of|late|end of)[\s-]*((?:19|20)\d{2})\b/g,
    (m) => {
      const year = Number(m[2]);
      if (m[1] === 'early') return monthRange(year, 1, 4);
      if (m[1]!.startsWith('mid')) return monthRange(year, 5, 8);
      if (m[1] === 'late') return monthRange(year, 9, 12);
      return { start: iso(year, 12, 31), end: iso(year, 12, 31) };
    },
  ],
  [/\b((?:19|20)\d{2})\b/g, (m) => ({ start: iso(Number(m[1]), 1, 1), end: iso(Number(m[1]), 12, 31) })],
];

function normalise(text: string): string {
  return text
    .toLowerCase()
    .replace(/[\u2013\u2014\u2212]/g, '-')
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/(\d)(st|nd|rd|th)\b/g, '$1')
    .replace(/\s+/g, ' ');
}

/**
 * How many readers, from the top, read day-precise shapes that must not be read again in part when invalid:
 * "31/02/2024" and "31 February 2024" are no dates, not 2024 or February 2024.
 */
const exactReaders = 4;

function findEarliestDate(original: string): Found | null {
  let best: Found | null = null;
  let text = original;
  for (const [position, [pattern, read]] of readers.entries()) {
    if (position < exactReaders) {
      // An impossible day is no date at all: blank it so that no later reader finds "2024" or "feb 2024" inside it.
      text = text.replace(pattern, (whole, ...groups) => {
        const match = Object.assign([whole, ...groups.slice(0, -2)], {
          index: 0,
          input: text,
        }) as unknown as RegExpExecArray;
        return read(match) ? whole : ' '.repeat(whole.length);
      });
    }
    pattern.lastIndex = 0;
    for (let match = pattern.exec(text); match; match = pattern.exec(text)) {
      const range = read(match);
      if (!range) continue;
      const found = { index: match.index, length: match[0].length, range };
      if (!best || found.index < best.index || (found.index === best.index && found.length > best.length))
        best = found;
      break;
    }
  }
  return best;
}

/** "Jan 2024 - Mar 2024" and "7/8/21 to 12/8/21": two dates joined make one range. */
function joinedRange(text: string, first: Found): Range {
  const rest = text.slice(first.index + first.length);
  const joiner = /^\s*(?:-|to|until|and)\s*/.exec(rest);
  if (!joiner) return first.range;
  const second = findEarliestDate(rest.slice(joiner[0].length));
  if (!second || second.index !== 0 || second.range.end < first.range.start) return first.range;
  return { start: first.range.start, end: second.range.end };
}

const keywords: [RegExp, TargetDateKind][] = [
  [/^(n\/?a|not applicable)\b/, 'not_applicable'],
  [/^(complete|completed|done|closed)\b/, 'complete'],
  [/^(tbc|tba|to be (confirmed|agreed|decided|determined))\b/, 'to_be_confirmed'],
  [/^(ongoing|on-going|on going|continuous|continuing|business as usual|bau)\b/, 'ongoing'],
];

export function parseTargetDate(text: string | null | undefined): TargetDate {
  const original = text ?? '';
  const normalised = normalise(original).trim();
  if (normalised === '') return { text: original, kind: 'none', start: null, end: null };
  const found = findEarliestDate(normalised);
  if (found) {
    const range = joinedRange(normalised, found);
    return { text: original, kind: 'date', start: range.start, end: range.end };
  }
  for (const [pattern, kind] of keywords) {
    if (pattern.test(normalised)) return { text: original, kind, start: null, end: null };
  }
  return { text: original, kind: 'unparsed', start: null, end: null };
}

/** Overdue is derived: still open, with a date range whose end has passed. */
export function isOverdue(
  target: { kind: TargetDateKind | string; end: string | null },
  status: string,
  today: string,
): boolean {
  if (status === 'complete' || status === 'cancelled') return false;
  return target.kind === 'date' && target.end !== null && target.end < today;
}

/** What a user is told of a target date that could not be read: it is kept, but it cannot make an action overdue. */
export function unreadTargetMessage(text: string): string {
  return `We could not read ‘${text}’ as a date, so it is kept as written and not counted as overdue`;
}

/** The target dates, as written, of an action that could not be read as dates. */
export function unreadTargetTexts(...texts: (string | null | undefined)[]): string[] {
  return texts.filter((text): text is string => Boolean(text) && parseTargetDate(text).kind === 'unparsed');
}
