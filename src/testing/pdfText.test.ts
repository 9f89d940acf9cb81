import { expect, it } from 'vitest';
import { pageShows, problemsWithPages, type PdfPage, type PdfWord } from './pdfText.js';

function page(lines: [x: number, y: number, words: string][]): PdfPage {
  const words: PdfWord[] = lines.flatMap(([x, y, text]) =>
    text
      .split(' ')
      .map((word, i) => ({ text: word, xMin: x + i * 40, xMax: x + i * 40 + 35, yMin: y, yMax: y + 10 })),
  );
  return { width: 842, height: 595, words, text: words.map((w) => w.text).join(' ') };
}

it('follows words wrapped in a table cell, but not across into the next column', () => {
  const cells = page([
    [50, 100, 'Deliver briefing'],
    [300, 100, 'Luke Baldock'],
    [50, 112, 'to the SLT'],
  ]);
  expect(pageShows(cells, 'Deliver briefing to the SLT')).toBe(true);
  expect(pageShows(cells, 'Deliver briefing Luke')).toBe(false);
});

it('finds a missing deliverable, a page without its marking and words past the margin', () => {
  const good = page([
    [300, 20, 'OFFICIAL'],
    [50, 100, 'Action one'],
    [300, 560, 'OFFICIAL'],
  ]);
  expect(problemsWithPages([good], { texts: ['Action one'], marking: 'OFFICIAL' })).toEqual([]);
  const bad = page([
    [50, 100, 'Action one'],
    [800, 120, 'overflowing'],
    [300, 560, 'OFFICIAL'],
  ]);
  expect(problemsWithPages([bad], { texts: ['Action two'], marking: 'OFFICIAL' })).toEqual([
    '"Action two" is not in the PDF',
    'page 1 of 1 does not start with the marking',
    'page 1 of 1 has the marking 1 time(s), not at top and bottom',
    'page 1 of 1: 1 words run past the margin, e.g. "overflowing" at x 800–835 of 842',
  ]);
});
