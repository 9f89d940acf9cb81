import { describe, expect, it } from 'vitest';
import { suggestedPeriod } from './reportPeriod.js';

describe('suggestedPeriod', () => {
  it('starts three months back when no report has been published, ending on a real day', () => {
    expect(suggestedPeriod([], '2024-05-31')).toEqual({
      periodStart: '2024-02-29',
      periodEnd: '2024-05-31',
      reason: 'No report has been published yet, so the period starts three months before today.',
    });
    expect(suggestedPeriod([{ status: 'draft', period_end: '2024-04-30' }], '2024-07-15').periodStart).toBe(
      '2024-04-15',
    );
  });

  it('starts the day after the last published or corrected report, ignoring drafts', () => {
    const reports = [
      { status: 'superseded' as const, period_end: '2024-03-31' },
      { status: 'published' as const, period_end: '2023-12-31' },
      { status: 'draft' as const, period_end: '2024-06-30' },
    ];
    expect(suggestedPeriod(reports, '2024-07-15')).toEqual({
      periodStart: '2024-04-01',
      periodEnd: '2024-07-15',
      reason: 'The period starts the day after the last published report, which ended on 31 March 2024.',
    });
  });

  it('says so when the last published report ends today or later', () => {
    expect(suggestedPeriod([{ status: 'published', period_end: '2024-07-15' }], '2024-07-15')).toEqual({
      periodStart: '2024-07-16',
      periodEnd: '2024-07-16',
      reason:
        'The period starts the day after the last published report, which ended on 15 July 2024. That is after today, so check the dates.',
    });
  });
});
