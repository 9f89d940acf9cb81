import { parse } from 'csv-parse/sync';
import { expect, it } from 'vitest';
import { loadDemo } from '../demo/loadDemo.js';
import { readSource } from '../import/read/readSource.js';
import { understandDocument } from '../import/understand/understandDocument.js';
import { loadPlanContents } from '../plans/planContents.js';
import { describeEachDatabase } from '../testing/databases.js';
import { makeAction, makePlan, makeUpdate } from '../testing/factories.js';
import { actionAsText, actionsInOrder, buildActionPlanDocument } from './actionPlanDocument.js';
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

  it('has a "% complete" column when an action says how far through it is, read back by the importer', async () => {
    const plan = await makePlan(current());
    await makeAction(current(), plan.id, { title: 'Survey again', percentComplete: 60 });
    await makeAction(current(), plan.id, { title: 'Publish the values' });
    const doc = buildActionPlanDocument(
      await loadPlanContents(current().kysely, plan.slug, { updates: 'all' }),
    );
    const csv = actionPlanToCsv(doc);
    const rows = parse(csv, { bom: true, columns: true }) as Record<string, string>[];
    expect(rows.map((r) => r['% complete'])).toEqual(['60%', '']);
    const { draft } = understandDocument(await readSource('plan.csv', csv));
    expect(draft.actions.map((a) => a.percentComplete)).toEqual([60, null]);
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

  it('reads back as one record per action, with the same text, for every sample plan after updates with line breaks', async () => {
    const { created } = await loadDemo(current(), { name: 'Test Manager' });
    const slugs = ['staff-survey-2021', 'culture-action-plan'];
    expect(created.length === 0 || slugs.every((slug) => created.includes(slug))).toBe(true);
    for (const slug of slugs) {
      const plan = await current()
        .kysely.selectFrom('plans')
        .select('id')
        .where('slug', '=', slug)
        .executeTakeFirstOrThrow();
      const actions = await current()
        .kysely.selectFrom('actions')
        .select('id')
        .where('plan_id', '=', plan.id)
        .execute();
      // Two dated updates put line breaks (LF alone) into the progress cell of every action.
      for (const action of actions) {
        await makeUpdate(
          current(),
          plan.id,
          { actionId: action.id },
          { body: '<p>Met the leads, "agreed" the next steps</p>' },
        );
        await makeUpdate(
          current(),
          plan.id,
          { actionId: action.id },
          { body: '<p>Briefed the board</p><p>No comma here</p>' },
        );
      }
      // Cells holding a carriage return alone, a line feed alone, commas and quotes, with no comma in some of them.
      await makeAction(current(), plan.id, {
        title: 'Carriage\rreturn alone',
        owners: ['Smith, Jo'],
        progress: '<p>First line</p><p>Second line</p>',
        futureActions: '<p>Say "thank you"</p>',
        targetDate: 'End of June, or later',
      });
      await makeAction(current(), plan.id, { title: 'Line\nfeed alone', progress: '<p>One<br>Two</p>' });

      const doc = buildActionPlanDocument(await loadPlanContents(current().kysely, slug, { updates: 'all' }));
      // Read as most readers do (Excel, Python's csv, a line-by-line tool): CR, LF or CRLF outside quotes ends a
      // record, whichever the file started with.
      const rows = parse(actionPlanToCsv(doc), {
        bom: true,
        columns: true,
        record_delimiter: ['\r\n', '\n', '\r'],
      }) as Record<string, string>[];
      const expected = actionsInOrder(doc).map(actionAsText);
      expect(rows).toHaveLength(actions.length + 2);
      for (const column of doc.columns)
        expect(rows.map((r) => r[column])).toEqual(expected.map((e) => e[column]));
      expect(rows.map((r) => r.Action)).toContain('Carriage\rreturn alone');
      expect(rows.map((r) => r.Action)).toContain('Line\nfeed alone');
      expect(rows.filter((r) => r.Progress!.includes('\n')).length).toBeGreaterThanOrEqual(actions.length);
    }
  });
});
