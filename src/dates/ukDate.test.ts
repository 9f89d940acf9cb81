import { describe, expect, it } from 'vitest';
import {
  describeTargetDate,
  formatUkDate,
  formatUkDateRange,
  formatUkDateTime,
  londonDayStart,
  todayIso,
} from './ukDate.js';

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

  it('shows a time as 7 August 2021, 14:05 in London time, summer or winter', () => {
    expect(formatUkDateTime('2021-08-07T13:05:00.000Z')).toBe('7 August 2021, 14:05');
    expect(formatUkDateTime('2021-12-07T09:30:00.000Z')).toBe('7 December 2021, 09:30');
    expect(formatUkDateTime(null)).toBe('');
  });

  it('begins a London day at midnight London time', () => {
    expect(londonDayStart('2021-08-07')).toBe('2021-08-06T23:00:00.000Z');
    expect(londonDayStart('2021-12-07')).toBe('2021-12-07T00:00:00.000Z');
  });
});
