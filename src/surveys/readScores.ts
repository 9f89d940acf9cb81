// Reads a survey's results from a spreadsheet, a CSV file or a pasted table: the table whose headers name a question
// (or statement, item, indicator) and a score (or % positive, favourable, agree, result), in the survey provider's
// words, with a driver or theme, the number of responses and a comparator where the file has them.
import type { SourceDocument, SourceRow } from '../import/source.js';
import type { ScoreInput } from './surveyCommands.js';

type Column = 'question' | 'driver' | 'score' | 'responses' | 'comparator';

/** What each column is called in survey providers' exports, most telling first. */
const headerWords: [Column, RegExp][] = [
  ['comparator', /compar|benchmark|sector|national|average|norm|previous|last (year|survey)|baseline/i],
  ['responses', /respon(ses|dents)|^n$|^base$|number (of )?(answers|answered|responses)|count/i],
  ['score', /score|positive|favourable|favorable|agree|result|percent|^%$|% ?(yes|satisfied)|rating/i],
  ['driver', /driver|theme|category|section|domain|factor|dimension|topic|heading/i],
  ['question', /question|statement|item|indicator|measure|wording/i],
];

export interface ReadScores {
  scores: ScoreInput[];
  /** Rows left out, each with why: "Row 7: the score "n/a" is not a number". */
  problems: string[];
  /** The file's columns as read, to show beside the scores. */
  columns: Partial<Record<Column, string>>;
}

function cells(row: SourceRow): string[] {
  return row.cells.map((cell) => cell.text.replace(/\s+/g, ' ').trim());
}

function columnsOf(header: string[]): Map<Column, number> {
  const found = new Map<Column, number>();
  header.forEach((text, index) => {
    if (text === '') return;
    const match = headerWords.find(([column, words]) => !found.has(column) && words.test(text));
    if (match) found.set(match[0], index);
  });
  return found;
}

/** "61%", "61", "0.61", "61.0 %": the figure, or null when the cell holds none. */
function figure(text: string): number | null {
  const cleaned = text.replace(/[%\s,]/g, '');
  if (cleaned === '' || !/^-?\d*\.?\d+$/.test(cleaned)) return null;
  return Number(cleaned);
}

/** A column of fractions (every figure at most 1, some not whole) is a column of per cents written as fractions. */
function asPerCents(values: (number | null)[]): (number | null)[] {
  const given = values.filter((v): v is number => v !== null);
  const fractions = given.length > 0 && given.every((v) => v <= 1) && given.some((v) => !Number.isInteger(v));
  return fractions ? values.map((v) => (v === null ? null : Math.round(v * 1000) / 10)) : values;
}

/** The first table in the document with a question column and a score column, read into scores. */
export function readScores(document: SourceDocument): ReadScores {
  const seen: string[] = [];
  for (const block of document.blocks) {
    if (block.type !== 'table') continue;
    // The header is the first row that names both a question and a score, within the first few rows.
    for (let h = 0; h < Math.min(block.rows.length, 5); h++) {
      const header = cells(block.rows[h]!);
      const columns = columnsOf(header);
      if (h === 0) seen.push(...header.filter(Boolean));
      if (!columns.has('question') || !columns.has('score')) continue;
      return scoresFrom(block.rows.slice(h + 1), columns, header, h + 2);
    }
  }
  const named = seen.length > 0 ? ` Its columns are: ${seen.slice(0, 8).join(', ')}.` : '';
  throw new Error(
    `The file has no table with a question column and a score column (for example "Question" and "% positive").${named}`,
  );
}

function scoresFrom(
  rows: SourceRow[],
  columns: Map<Column, number>,
  header: string[],
  firstRow: number,
): ReadScores {
  const at = (row: string[], column: Column) => {
    const index = columns.get(column);
    return index === undefined ? '' : (row[index] ?? '');
  };
  const read = rows.map(cells);
  const scores = asPerCents(read.map((row) => figure(at(row, 'score'))));
  const comparators = asPerCents(read.map((row) => figure(at(row, 'comparator'))));
  const result: ReadScores = {
    scores: [],
    problems: [],
    columns: Object.fromEntries([...columns].map(([column, index]) => [column, header[index]!])),
  };
  let driver = '';
  read.forEach((row, index) => {
    const line = firstRow + index;
    const question = at(row, 'question');
    if (at(row, 'driver')) driver = at(row, 'driver');
    if (question === '') return;
    const score = scores[index]!;
    const written = at(row, 'score');
    if (score === null || score < 0 || score > 100) {
      result.problems.push(
        written === ''
          ? `Row ${line}: "${question}" has no score`
          : `Row ${line}: the score "${written}" is not a per cent from 0 to 100`,
      );
      return;
    }
    const responses = figure(at(row, 'responses'));
    const comparator = comparators[index]!;
    result.scores.push({
      question,
      driver,
      score,
      responses: responses !== null && Number.isInteger(responses) && responses >= 0 ? responses : null,
      comparator: comparator !== null && comparator >= 0 && comparator <= 100 ? comparator : null,
    });
  });
  return result;
}
