// Finds dated entries written inside a cell ("Update 7/8/21: ...", "Update 12.8.21") and splits them out.
import { isRealIsoDate } from '../../validation.js';
import { richTextToPlain, toRichText } from '../../richtext/sanitise.js';

export interface DatedEntry {
  /** ISO date, read in UK order: 7/8/21 is 7 August 2021. */
  effectiveOn: string;
  /** The entry's words as rich text. */
  body: string;
}

export interface SplitCell {
  /** What the cell says before its first dated entry, as rich text. */
  before: string;
  entries: DatedEntry[];
}

/** "Update 7/8/21:", "Updated on 12.8.21 -" or "7/8/21 update:". */
const marker =
  /\bupdate[sd]?\s*(?:on\s+)?(\d{1,2})[./-](\d{1,2})[./-](\d{2}|\d{4})\b\s*[:\-–]?|\b(\d{1,2})[./-](\d{1,2})[./-](\d{2}|\d{4})\s+update[sd]?\b\s*[:\-–]?/gi;

function isoFrom(day: string, month: string, year: string): string | null {
  const fullYear = year.length === 2 ? `20${year}` : year;
  const iso = `${fullYear}-${month.padStart(2, '0')}-${day.padStart(2, '0')}`;
  return isRealIsoDate(iso) ? iso : null;
}

/** A piece of a cell as rich text of its own (tags cut by the split are closed or dropped), or '' if it has no words. */
function tidy(html: string): string {
  const cleaned = toRichText(html)
    .replace(/<p>(\s|<br\s*\/?>)+/g, '<p>')
    .replace(/<p>\s*<\/p>/g, '')
    .trim();
  if (richTextToPlain(cleaned) === '') return '';
  // A piece cut from inside a paragraph has lost its <p>; give it back so stored text is always in blocks.
  return /<(p|ul|ol)\b/i.test(cleaned) ? cleaned : `<p>${cleaned}</p>`;
}

export function splitDatedEntries(html: string): SplitCell {
  const found = [...html.matchAll(marker)]
    .map((match) => ({
      match,
      iso: isoFrom(match[1] ?? match[4]!, match[2] ?? match[5]!, match[3] ?? match[6]!),
    }))
    .filter((item): item is { match: RegExpExecArray; iso: string } => item.iso !== null);
  if (found.length === 0) return { before: html, entries: [] };
  const entries: DatedEntry[] = [];
  for (const [i, { match, iso }] of found.entries()) {
    const start = match.index! + match[0].length;
    const end = i + 1 < found.length ? found[i + 1]!.match.index! : html.length;
    const body = tidy(html.slice(start, end));
    if (body !== '') entries.push({ effectiveOn: iso, body });
  }
  return { before: tidy(html.slice(0, found[0]!.match.index!)), entries };
}
