// What a person typed into a search box, made safe for either database's full-text search, and the highlighted text
// that comes back, made safe for a page.
import { InvalidInputError } from '../errors.js';
import { escapeHtml } from '../import/read/xml.js';
import { markEnd, markStart } from './searchIndex.js';

/** The longest search accepted, in characters. */
export const searchQueryLimit = 200;

/**
 * The phrases to look for, each a list of words that must stand together. Only letters and digits survive: quotes
 * group words into one phrase, and every other character (FTS5's `*`, `-`, `:`, parentheses, `NEAR`'s brackets and
 * so on) only separates words, so no query syntax of either database can be reached. "e-mail" is the phrase "e mail",
 * as both databases index it. Empty when nothing searchable was typed.
 */
export function searchPhrases(query: string): string[][] {
  const phrases: string[][] = [];
  query.split('"').forEach((part, index) => {
    const quoted = index % 2 === 1;
    const chunks = quoted ? [part] : part.split(/\s+/);
    for (const chunk of chunks) {
      const words = chunk.match(/[\p{L}\p{N}\p{M}]+/gu);
      if (words) phrases.push(words.map((word) => word.toLowerCase()));
    }
  });
  return phrases;
}

/**
 * The query as typed, trimmed, or an InvalidInputError naming `field` when it is too long to be a search. Searching
 * for something that long would only be slow, and a cut-down search would answer a question nobody asked.
 */
export function checkSearchQuery(field: string, query: string | undefined): string {
  const trimmed = (query ?? '').trim();
  if (trimmed.length > searchQueryLimit)
    throw new InvalidInputError(
      { [field]: `Search must be ${searchQueryLimit} characters or fewer` },
      `Search must be ${searchQueryLimit} characters or fewer`,
    );
  return trimmed;
}

/**
 * The phrases as both databases read them: each in double quotes, all of which must match. FTS5 then takes every word
 * as a word, never as an operator; PostgreSQL's websearch_to_tsquery takes each as a phrase, and never fails on input.
 */
export function quotedPhrases(phrases: string[][]): string {
  return phrases.map((words) => `"${words.join(' ')}"`).join(' ');
}

/** A piece of text in a result, and whether it matched the search. */
export interface MarkedText {
  text: string;
  marked: boolean;
}

/** Text as highlighted by the database, read into pieces; runs of white space become one space. */
export function readMarks(highlighted: string): MarkedText[] {
  const pieces: MarkedText[] = [];
  let marked = false;
  for (const part of highlighted.split(new RegExp(`([${markStart}${markEnd}])`))) {
    if (part === markStart) marked = true;
    else if (part === markEnd) marked = false;
    else if (part !== '') pieces.push({ text: part.replace(/\s+/g, ' '), marked });
  }
  return pieces;
}

export function hasMark(pieces: MarkedText[]): boolean {
  return pieces.some((piece) => piece.marked);
}

/** HTML of the text with the matches in <mark>: everything else escaped, so only the <mark> tags are markup. */
export function markedHtml(pieces: MarkedText[]): string {
  return pieces
    .map((piece) => (piece.marked ? `<mark>${escapeHtml(piece.text)}</mark>` : escapeHtml(piece.text)))
    .join('');
}
