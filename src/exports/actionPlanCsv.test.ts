import { parse } from 'csv-parse/sync';
import { expect, it } from 'vitest';
import { loadDemo } from '../demo/loadDemo.js';
import { loadPlanContents } from '../plans/planContents.js';
import { describeEachDatabase } from '../testing/databases.js';
import { makeAction, makePlan } from '../testing/factories.js';
import { actionsInOrder, buildActionPlanDocument } from './actionPlanDocument.js';
import { actionPlanToCsv } from './actionPlanCsv.js';

describeEachDatabase('the action-plan document as CSV', (current) => {
  it('starts with a byte-order mark and parses back to one row per action, with their owners', async () => {
    await loadDemo(current(), { name: 'Test Manager' });
    const contents = await loadPlanContents(current().kysely, 'staff-survey-2021', { updates: 'all' });
    const doc = buildActionPlanDocument(contents);
    const csv = actionPlanToCsv(doc);
    expect([...csv.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);

    const rows = parse(csv, { bom: true, columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(14);
    expect(Object.keys(rows[0]!)).toEqual([
      'Action',
      'Owner',
      'Progress',
      'Future Planned Actions',
      'Dates for delivery',
      'Status',
      'Parsed start',
      'Parsed end',
    ]);
    expect(rows.map((r) => r.Action)).toEqual(actionsInOrder(doc).map((a) => a.title));
    expect(rows.map((r) => r.Owner)).toEqual(actionsInOrder(doc).map((a) => a.owners.join('; ')));
    expect(rows.map((r) => r.Owner)).toContain('Luke Baldock');
    expect(rows.find((r) => r['Dates for delivery'] === 'End of June 2021')!['Parsed end']).toBe(
      '2021-06-30',
    );
    expect(rows.every((r) => !/<[a-z]/.test(r.Progress!))).toBe(true);
  });

  it('quotes commas, quotes and line breaks, and never lets a cell run as a formula', async () => {
    const plan = await makePlan(current());
    await makeAction(current(), plan.id, {
      title: '=HYPERLINK("http://example.com","Click")',
      owners: ['Smith, Jo'],
      progress: '<p>Said "yes"</p><p>- then a second line</p>',
      futureActions: '<p>-2+3</p>',
    });
    const csv = actionPlanToCsv(
      buildActionPlanDocument(await loadPlanContents(current().kysely, plan.slug, { updates: 'all' })),
    ).toString('utf8');
    expect(csv).toContain('"\'=HYPERLINK(""http://example.com"",""Click"")"');
    const [row] = parse(csv, { bom: true, columns: true }) as Record<string, string>[];
    expect(row!.Owner).toBe('Smith, Jo');
    expect(row!.Progress).toBe('Said "yes"\n- then a second line');
    expect(row!['Future Planned Actions']).toBe("'-2+3");
    expect(csv.split('\r\n')).toHaveLength(3);
  });
});
