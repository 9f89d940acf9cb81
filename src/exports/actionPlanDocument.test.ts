import { expect, it } from 'vitest';
import { loadDemo } from '../demo/loadDemo.js';
import { loadPlanContents } from '../plans/planContents.js';
import { describeEachDatabase } from '../testing/databases.js';
import { makeAction, makePlan, makeTheme, makeUpdate } from '../testing/factories.js';
import { openZip } from '../import/read/zip.js';
import { actionPlanToCsv } from './actionPlanCsv.js';
import { actionAsText, actionsInOrder, buildActionPlanDocument, updateLine } from './actionPlanDocument.js';
import { actionPlanToDocx } from './actionPlanDocx.js';
import { actionPlanToXlsx } from './actionPlanXlsx.js';

describeEachDatabase('the action-plan document', (current) => {
  const contentsOf = (slug: string) => loadPlanContents(current().kysely, slug, { updates: 'all' });

  it('lays out the staff-survey plan: its columns, its actions, then focus areas with leads and dated updates', async () => {
    await loadDemo(current(), { name: 'Test Manager' });
    const contents = await contentsOf('staff-survey-2021');
    const doc = buildActionPlanDocument(contents, '2026-11-23');
    expect(doc).toMatchObject({
      title: 'Staff Survey - Action Plan',
      marking: 'NOT PROTECTIVELY MARKED',
      generatedOn: '2026-11-23',
      columns: ['Action', 'Owner', 'Progress', 'Future Planned Actions', 'Dates for delivery', 'Status'],
    });
    expect(doc.groups).toHaveLength(1);
    expect(actionsInOrder(doc).map((a) => a.title)).toEqual(contents.actions.map((a) => a.title));
    expect(doc.focusAreas.map((f) => f.title)).toEqual(contents.themes.map((t) => t.title));
    expect(doc.focusAreas.map((f) => f.lead)).toEqual(contents.themes.map((t) => t.lead));
    for (const area of doc.focusAreas) {
      const dates = area.updates.map((u) => u.effectiveOn);
      expect(dates).toEqual([...dates].sort());
    }
    expect(doc.focusAreas.flatMap((f) => f.listedUpdates).map(updateLine)).toContain(
      updateLine(doc.focusAreas[0]!.updates[0]!),
    );
    expect(updateLine(doc.focusAreas[0]!.updates[0]!)).toMatch(/^Update 7\/8\/21: \S/);
  });

  it('groups the culture plan by theme, the actions without one first, with refs', async () => {
    await loadDemo(current(), { name: 'Test Manager' });
    const doc = buildActionPlanDocument(await contentsOf('culture-action-plan'));
    expect(doc.columns).toEqual([
      'Theme',
      'Ref',
      'Horizon',
      'Action',
      'Owner',
      'Progress',
      'Future Planned Actions',
      'Dates for delivery',
      'Status',
    ]);
    expect(doc.groups.map((g) => g.theme)).toEqual([
      null,
      'Building trust and confidence',
      'Strengthening support, welfare and facilities',
      'Clear cultural expectations',
      'Strengthening leadership and engagement',
      'Governance',
    ]);
    expect(doc.groups[0]!.actions.every((a) => a.ref.startsWith('MT'))).toBe(true);
    expect(doc.focusAreas).toEqual([]);
  });

  it("says each action's horizon in Word, Excel and CSV when the plan has more than one", async () => {
    await loadDemo(current(), { name: 'Test Manager' });
    const contents = await contentsOf('culture-action-plan');
    expect(contents.horizons.map((h) => h.name)).toEqual(['Short term (by April 2024)', 'Medium term']);
    const doc = buildActionPlanDocument(contents);
    const horizons = actionsInOrder(doc).map((a) => a.horizon);
    expect(new Set(horizons)).toEqual(new Set(['Short term (by April 2024)', 'Medium term']));

    const csv = actionPlanToCsv(doc).toString('utf8').split('\r\n');
    expect(csv[0]).toContain('Theme,Ref,Horizon,Action,');
    expect(csv[1]).toContain(`,${horizons[0]},`);

    const docx = await openZip(await actionPlanToDocx(doc), { maxExpandedBytes: 50_000_000 });
    const xml = (await docx.read('word/document.xml'))!;
    expect(xml).toContain('>Horizon</w:t>');
    expect(xml.match(/>Short term \(by April 2024\)<\/w:t>/g)).toHaveLength(
      horizons.filter((h) => h === 'Short term (by April 2024)').length,
    );

    const xlsx = await openZip(await actionPlanToXlsx(doc), { maxExpandedBytes: 50_000_000 });
    const strings =
      (await xlsx.read('xl/sharedStrings.xml')) ?? (await xlsx.read('xl/worksheets/sheet1.xml'))!;
    for (const name of ['Horizon', 'Short term (by April 2024)', 'Medium term'])
      expect(strings).toContain(`>${name}<`);
  });

  it('shows no horizon column for a plan of one horizon, as the staff-survey layout has none', async () => {
    const plan = await makePlan(current(), { horizons: ['2021 to 2022'] });
    await makeAction(current(), plan.id, { title: 'Publish the plan' });
    const doc = buildActionPlanDocument(await contentsOf(plan.slug));
    expect(doc.columns).not.toContain('Horizon');
  });

  it('does not list an update twice when the progress text already says it', async () => {
    const plan = await makePlan(current());
    const action = await makeAction(current(), plan.id, {
      progress: '<p>Started.</p><p>Update 7/8/21: Focus groups were held across the force</p>',
    });
    await makeUpdate(
      current(),
      plan.id,
      { actionId: action.id },
      {
        effectiveOn: '2021-08-07',
        body: '<p>Focus groups were held across the force</p>',
      },
    );
    await makeUpdate(
      current(),
      plan.id,
      { actionId: action.id },
      {
        effectiveOn: '2021-09-01',
        body: '<p>Results <b>shared</b></p><ul><li>with staff</li></ul>',
        statusChange: 'complete',
      },
    );
    const [shown] = actionsInOrder(buildActionPlanDocument(await contentsOf(plan.slug)));
    expect(shown!.updates).toHaveLength(2);
    expect(shown!.listedUpdates.map(updateLine)).toEqual(['Update 1/9/21: Results shared with staff']);
    expect(shown!.updates[1]!.statusChangeLabel).toBe('Complete');
    expect(actionAsText(shown!).Progress).toBe(
      'Started.\nUpdate 7/8/21: Focus groups were held across the force\nUpdate 1/9/21: Results shared with staff',
    );
  });

  it('shows a revised date with what it was and why, and holds the action to the revised range', async () => {
    const plan = await makePlan(current());
    await makeAction(current(), plan.id, {
      targetDate: 'end of sept 21',
      revisedTargetDate: 'March 2022',
      revisedReason: 'supplier delay',
    });
    const [action] = actionsInOrder(buildActionPlanDocument(await contentsOf(plan.slug)));
    expect(action!.dates).toBe('March 2022 (revised from end of sept 21: supplier delay)');
    expect(action).toMatchObject({ targetStart: '2022-03-01', targetEnd: '2022-03-31' });
  });

  it("shows a theme's lead, words and updates as a focus area even when it has actions", async () => {
    const plan = await makePlan(current());
    const led = await makeTheme(current(), plan.id, { title: 'Wellbeing', lead: 'Dr Ann Lee' });
    const quiet = await makeTheme(current(), plan.id, { title: 'Estates' });
    await makeTheme(current(), plan.id, { title: 'Not started yet' });
    await makeAction(current(), plan.id, { themeId: led.id });
    await makeAction(current(), plan.id, { themeId: quiet.id });
    const doc = buildActionPlanDocument(await contentsOf(plan.slug));
    expect(doc.focusAreas.map((f) => [f.title, f.lead])).toEqual([
      ['Wellbeing', 'Dr Ann Lee'],
      ['Not started yet', ''],
    ]);
  });
});
