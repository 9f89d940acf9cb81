import { describe, expect, it } from 'vitest';
import { describeTargetDate, formatUkDate, formatUkDateRange, todayIso } from './ukDate.js';

describe('UK dates', () => {
  it('formats a day as 7 August 2021', () => {
    expect(formatUkDate('2021-08-07')).toBe('7 August 2021');
    expect(formatUkDate(null)).toBe('');
  });

  it.each([
    ['2021-08-07', '2021-08-07', '7 August 2021'],
    ['2021-09-01', '2021-09-30', 'September 2021'],
    ['2024-02-01', '2024-02-29', 'February 2024'],
    ['2024-04-01', '2024-06-30', '1 April – 30 June 2024'],
    ['2024-04-01', '2025-03-31', '1 April 2024 – 31 March 2025'],
  ])('formats the range %s to %s as %s', (start, end, expected) => {
    expect(formatUkDateRange(start, end)).toBe(expected);
  });

  it('gives today as an ISO date in local time', () => {
    expect(todayIso(new Date(2021, 7, 7, 23, 59))).toBe('2021-08-07');
  });

  it('describes parsed target dates in words', () => {
    expect(describeTargetDate({ kind: 'date', start: '2021-09-01', end: '2021-09-30' })).toBe(
      'September 2021',
    );
    expect(describeTargetDate({ kind: 'ongoing', start: null, end: null })).toBe('Ongoing');
    expect(describeTargetDate({ kind: 'unparsed', start: null, end: null })).toBe('Not recognised');
  });
});
