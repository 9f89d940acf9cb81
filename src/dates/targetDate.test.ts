import { describe, expect, it } from 'vitest';
import { isOverdue, parseTargetDate, type TargetDateKind } from './targetDate.js';

type Case = [text: string, kind: TargetDateKind, start: string | null, end: string | null];

const cases: Case[] = [
  ['N/A', 'not_applicable', null, null],
  ['n/a', 'not_applicable', null, null],
  ['NA', 'not_applicable', null, null],
  ['Not applicable', 'not_applicable', null, null],
  ['Ongoing', 'ongoing', null, null],
  ['ongoing', 'ongoing', null, null],
  ['Ongoing comms from key areas will continue as work progresses', 'ongoing', null, null],
  ['Ongoing action that will be picked up through a variety of well-being events', 'ongoing', null, null],
  ['Business as usual', 'ongoing', null, null],
  ['Ongoing until March 2024', 'date', '2024-03-01', '2024-03-31'],
  ['Complete', 'complete', null, null],
  ['complete', 'complete', null, null],
  ['Closed', 'complete', null, null],
  ['TBC', 'to_be_confirmed', null, null],
  ['To be confirmed', 'to_be_confirmed', null, null],
  ['End of April 2021', 'date', '2021-04-30', '2021-04-30'],
  ['End of June 2021', 'date', '2021-06-30', '2021-06-30'],
  ['end of sept 21', 'date', '2021-09-30', '2021-09-30'],
  ['end of sept - 21', 'date', '2021-09-30', '2021-09-30'],
  ['end of February 2024', 'date', '2024-02-29', '2024-02-29'],
  ['Sep-21', 'date', '2021-09-01', '2021-09-30'],
  ['Sept 21', 'date', '2021-09-01', '2021-09-30'],
  ['Dec 2023', 'date', '2023-12-01', '2023-12-31'],
  ["December '23", 'date', '2023-12-01', '2023-12-31'],
  ['April 2022 launch of new policing plan', 'date', '2022-04-01', '2022-04-30'],
  ['by April 2024', 'date', '2024-04-01', '2024-04-30'],
  ['before May 2024', 'date', '2024-05-01', '2024-05-31'],
  ['mid-April 2021', 'date', '2021-04-11', '2021-04-20'],
  ['early May 2022', 'date', '2022-05-01', '2022-05-10'],
  ['late June 2022', 'date', '2022-06-21', '2022-06-30'],
  ['Q1 2024', 'date', '2024-01-01', '2024-03-31'],
  ['Q3 2024', 'date', '2024-07-01', '2024-09-30'],
  ['Q4 2024', 'date', '2024-10-01', '2024-12-31'],
  ['H1 2025', 'date', '2025-01-01', '2025-06-30'],
  ['H2 2025', 'date', '2025-07-01', '2025-12-31'],
  ['2024/25', 'date', '2024-04-01', '2025-03-31'],
  ['2024-25', 'date', '2024-04-01', '2025-03-31'],
  ['FY 2024/25', 'date', '2024-04-01', '2025-03-31'],
  ['2024/2025', 'date', '2024-04-01', '2025-03-31'],
  ['2099/00', 'date', '2099-04-01', '2100-03-31'],
  ['2024/26', 'date', '2024-01-01', '2024-12-31'],
  ['31st March 2024', 'date', '2024-03-31', '2024-03-31'],
  ['1st of July 2021', 'date', '2021-07-01', '2021-07-01'],
  ['30 Sept 2021', 'date', '2021-09-30', '2021-09-30'],
  ['22nd November 2026', 'date', '2026-11-22', '2026-11-22'],
  ['2024-03-31', 'date', '2024-03-31', '2024-03-31'],
  ['Spring 2024', 'date', '2024-03-01', '2024-05-31'],
  ['Summer 2021', 'date', '2021-06-01', '2021-08-31'],
  ['Autumn 2022', 'date', '2022-09-01', '2022-11-30'],
  ['Winter 2023', 'date', '2023-12-01', '2024-02-29'],
  ['7/8/21', 'date', '2021-08-07', '2021-08-07'],
  ['12.8.21', 'date', '2021-08-12', '2021-08-12'],
  ['07/08/2021', 'date', '2021-08-07', '2021-08-07'],
  ['1-12-2022', 'date', '2022-12-01', '2022-12-01'],
  ['by 31/03/2024', 'date', '2024-03-31', '2024-03-31'],
  ['Update 7/8/21: done', 'date', '2021-08-07', '2021-08-07'],
  ['29/2/2024', 'date', '2024-02-29', '2024-02-29'],
  ['29/2/2023', 'unparsed', null, null],
  ['31/02/2024', 'unparsed', null, null],
  ['13/13/2021', 'unparsed', null, null],
  ['29/02/2023', 'unparsed', null, null],
  ['2024-02-30', 'unparsed', null, null],
  // An impossible day written in words is no date either, not the month around it.
  ['31 February 2024', 'unparsed', null, null],
  ['30th Feb 2025', 'unparsed', null, null],
  ['w/c 31 Feb 2024', 'unparsed', null, null],
  ['31 April 2024 or sooner', 'unparsed', null, null],
  ['w/c 5 June 2023', 'date', '2023-06-05', '2023-06-11'],
  ['March 2024 - June 2024', 'date', '2024-03-01', '2024-06-30'],
  ['Jan–Mar 2025', 'date', '2025-01-01', '2025-03-31'],
  ['Nov 2023 to Feb 2024', 'date', '2023-11-01', '2024-02-29'],
  ['7/8/21 to 12/8/21', 'date', '2021-08-07', '2021-08-12'],
  ['2023', 'date', '2023-01-01', '2023-12-31'],
  ['late 2023', 'date', '2023-09-01', '2023-12-31'],
  ['early 2023', 'date', '2023-01-01', '2023-04-30'],
  ['mid 2023', 'date', '2023-05-01', '2023-08-31'],
  ['end of 2023', 'date', '2023-12-31', '2023-12-31'],
  ['TBC - expected Q2 2025', 'date', '2025-04-01', '2025-06-30'],
  ['tomorrow', 'unparsed', null, null],
  ['As soon as possible', 'unparsed', null, null],
  ['', 'none', null, null],
  ['   ', 'none', null, null],
];

describe('parseTargetDate', () => {
  it('has a case table of at least 40 ways of writing a date', () => {
    expect(cases.length).toBeGreaterThanOrEqual(40);
  });

  it.each(cases)('reads %j as %s from %s to %s', (text, kind, start, end) => {
    expect(parseTargetDate(text)).toEqual({ text, kind, start, end });
  });

  it('keeps the original text exactly, spaces and case included', () => {
    expect(parseTargetDate('  End of April 2021 ').text).toBe('  End of April 2021 ');
    expect(parseTargetDate(null)).toEqual({ text: '', kind: 'none', start: null, end: null });
  });

  it('never throws on odd input', () => {
    for (const text of [
      '\u0000',
      '////',
      '99/99/99',
      'q9 2024',
      '2024/',
      'end of',
      '\u{1F600} 2024',
      'x'.repeat(10000),
    ]) {
      expect(() => parseTargetDate(text)).not.toThrow();
    }
  });
});

describe('isOverdue', () => {
  const past = { kind: 'date' as const, end: '2021-09-30' };
  it('is overdue when open and the end of the range has passed', () => {
    expect(isOverdue(past, 'ongoing', '2021-10-01')).toBe(true);
    expect(isOverdue(past, 'not_started', '2026-11-22')).toBe(true);
  });
  it('is not overdue on the last day itself', () => {
    expect(isOverdue(past, 'in_progress', '2021-09-30')).toBe(false);
  });
  it('is never overdue when complete or cancelled', () => {
    expect(isOverdue(past, 'complete', '2026-11-22')).toBe(false);
    expect(isOverdue(past, 'cancelled', '2026-11-22')).toBe(false);
  });
  it('is never overdue without a date range', () => {
    expect(isOverdue({ kind: 'ongoing', end: null }, 'ongoing', '2026-11-22')).toBe(false);
    expect(isOverdue({ kind: 'unparsed', end: null }, 'ongoing', '2026-11-22')).toBe(false);
  });
});
