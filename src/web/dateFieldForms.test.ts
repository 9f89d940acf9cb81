// The forms that ask for dates, over HTTP: day, month and year fields, the Design System's messages, nothing saved
// on a bad date; target dates that cannot be read kept and named; a new report's period and why it starts there.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { inTransaction } from '../db/transaction.js';
import { todayIso } from '../dates/ukDate.js';
import { createReport, publishReport } from '../reports/reportCommands.js';
import { loadReport } from '../reports/reportQueries.js';
import { describeEachDatabase } from '../testing/databases.js';
import { makeAction, makePlan, makeUpdate, testActor } from '../testing/factories.js';
import { form, multipartForm } from '../testing/forms.js';
import { buildTestApp, type TestApp } from '../testing/testApp.js';
import { dateFieldValues } from './dateFields.js';

/** The classes of each date field of a page, by id, to see which are marked as in error. */
function markedFields(html: string, name: string): string[] {
  return ['day', 'month', 'year'].filter((part) =>
    new RegExp(`class="[^"]*govuk-input--error[^"]*" id="${name}-${part}"`).test(html),
  );
}

describeEachDatabase('date fields on forms', (current) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await buildTestApp(current());
  });
  afterAll(async () => {
    await app.close();
  });

  const post = (url: string, fields: Record<string, string>) =>
    app.inject({ method: 'POST', url, ...form(fields) });

  it('asks for the date of an update as day, month and year, today by default, with no native picker', async () => {
    const plan = await makePlan(current());
    const action = await makeAction(current(), plan.id);
    const page = await app.inject(`/plans/${plan.slug}/actions/${action.id}`);
    expect(page.body).not.toContain('type="date"');
    expect(page.body).toContain('name="effectiveOn-day"');
    expect(page.body).toMatch(/name="effectiveOn-year" type="text" value="\d{4}" inputmode="numeric"/);
    expect(page.body).toContain('For example, 27 3 2024');
    const [year, month, day] = todayIso().split('-').map(Number);
    expect(page.body).toContain(`name="effectiveOn-day" type="text" value="${day}"`);
    expect(page.body).toContain(`name="effectiveOn-month" type="text" value="${month}"`);
    expect(page.body).toContain(`name="effectiveOn-year" type="text" value="${year}"`);

    const posted = await post(`/plans/${plan.slug}/actions/${action.id}/updates`, {
      body: 'Champions recruited',
      'effectiveOn-day': '7',
      'effectiveOn-month': 'Aug',
      'effectiveOn-year': '2021',
    });
    expect(posted.statusCode).toBe(303);
    const saved = await current()
      .kysely.selectFrom('updates')
      .select('effective_on')
      .where('action_id', '=', action.id)
      .executeTakeFirstOrThrow();
    expect(saved.effective_on).toBe('2021-08-07');
  });

  it('refuses an update whose date is incomplete, impossible or in the future, in the Design System’s words, and saves nothing', async () => {
    const plan = await makePlan(current());
    const action = await makeAction(current(), plan.id);
    const url = `/plans/${plan.slug}/actions/${action.id}/updates`;
    const cases: [Record<string, string>, string, string[]][] = [
      [
        { 'effectiveOn-day': '', 'effectiveOn-month': '', 'effectiveOn-year': '' },
        'Enter the date of the update',
        ['day', 'month', 'year'],
      ],
      [
        { 'effectiveOn-day': '27', 'effectiveOn-month': '', 'effectiveOn-year': '2024' },
        'Date of the update must include a month',
        ['month'],
      ],
      [
        { 'effectiveOn-day': '31', 'effectiveOn-month': '2', 'effectiveOn-year': '2024' },
        'Date of the update must be a real date',
        ['day', 'month', 'year'],
      ],
      [
        { 'effectiveOn-day': '27', 'effectiveOn-month': '13', 'effectiveOn-year': '2024' },
        'Date of the update must be a real date',
        ['month'],
      ],
      [
        { 'effectiveOn-day': '1', 'effectiveOn-month': '1', 'effectiveOn-year': '2999' },
        'Date of the update must be today or in the past',
        ['day', 'month', 'year'],
      ],
    ];
    for (const [fields, message, marked] of cases) {
      const res = await post(url, { body: 'Kept as typed', ...fields });
      expect(res.statusCode).toBe(400);
      expect(res.body).toContain(`<span class="govuk-visually-hidden">Error:</span> ${message}`);
      expect(res.body).toContain(`href="#effectiveOn-${marked[0]}">${message}</a>`);
      expect(markedFields(res.body, 'effectiveOn')).toEqual(marked);
      expect(res.body).toContain('Kept as typed</textarea>');
      expect(res.body).toContain(
        `name="effectiveOn-month" type="text" value="${fields['effectiveOn-month']}"`,
      );
    }
    const updates = await current()
      .kysely.selectFrom('updates')
      .select('id')
      .where('action_id', '=', action.id)
      .execute();
    expect(updates).toEqual([]);
  });

  it('corrects an update’s date through the edit form, shown in the fields as saved', async () => {
    const plan = await makePlan(current());
    const action = await makeAction(current(), plan.id);
    const update = await makeUpdate(
      current(),
      plan.id,
      { actionId: action.id },
      { effectiveOn: '2021-08-07', body: 'Sent' },
    );
    const url = `/plans/${plan.slug}/updates/${update.id}/edit`;
    const page = await app.inject(url);
    expect(page.body).not.toContain('type="date"');
    expect(page.body).toContain('name="effectiveOn-day" type="text" value="7"');
    expect(page.body).toContain('name="effectiveOn-month" type="text" value="8"');
    const bad = await post(url, {
      version: '1',
      body: 'Sent',
      ...dateFieldValues('effectiveOn', '2021-08-07'),
      'effectiveOn-year': '21',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('Year must include 4 numbers');
    expect(markedFields(bad.body, 'effectiveOn')).toEqual(['year']);
    const good = await post(url, {
      version: '1',
      body: 'Sent',
      ...dateFieldValues('effectiveOn', '2021-08-12'),
    });
    expect(good.statusCode).toBe(303);
    const saved = await current()
      .kysely.selectFrom('updates')
      .select('effective_on')
      .where('id', '=', update.id)
      .executeTakeFirstOrThrow();
    expect(saved.effective_on).toBe('2021-08-12');
  });

  it('reads an action’s completion date from day, month and year, and refuses one that is not real or not yet', async () => {
    const plan = await makePlan(current());
    const action = await makeAction(current(), plan.id, {
      title: 'Launch dashboard',
      status: 'complete',
      completedOn: '2023-12-01',
    });
    const url = `/plans/${plan.slug}/actions/${action.id}/edit`;
    const page = await app.inject(url);
    expect(page.body).not.toContain('type="date"');
    expect(page.body).toContain('name="completedOn-day" type="text" value="1"');
    expect(page.body).toContain('name="completedOn-month" type="text" value="12"');
    const fields = { version: '1', title: 'Launch dashboard', status: 'complete' };
    const notReal = await post(url, {
      ...fields,
      ...dateFieldValues('completedOn', '2024-02-01'),
      'completedOn-day': '30',
    });
    expect(notReal.statusCode).toBe(400);
    expect(notReal.body).toContain('Completion date must be a real date');
    const future = await post(url, { ...fields, ...dateFieldValues('completedOn', '2999-01-01') });
    expect(future.statusCode).toBe(400);
    expect(future.body).toContain('Completion date must be today or in the past');
    const unchanged = await current()
      .kysely.selectFrom('actions')
      .select(['completed_on', 'version'])
      .where('id', '=', action.id)
      .executeTakeFirstOrThrow();
    expect(unchanged).toEqual({ completed_on: '2023-12-01', version: 1 });
    const saved = await post(url, { ...fields, ...dateFieldValues('completedOn', '2024-02-29') });
    expect(saved.statusCode).toBe(303);
    const after = await current()
      .kysely.selectFrom('actions')
      .select('completed_on')
      .where('id', '=', action.id)
      .executeTakeFirstOrThrow();
    expect(after.completed_on).toBe('2024-02-29');
  });

  it('saves a target date it cannot read as written, and says so once, as a warning', async () => {
    const plan = await makePlan(current());
    const created = await post(`/plans/${plan.slug}/actions`, {
      title: 'Review welfare',
      status: 'in_progress',
      targetDate: '31/02/2024',
    });
    expect(created.statusCode).toBe(303);
    const page = await app.inject(created.headers.location as string);
    expect(page.body).toContain('Action saved');
    expect(page.body).toContain('data-target-warning');
    expect(page.body).toContain(
      'We could not read ‘31/02/2024’ as a date, so it is kept as written and not counted as overdue',
    );
    expect(page.body).not.toContain('Overdue');
    const action = await current()
      .kysely.selectFrom('actions')
      .select(['target_text', 'target_kind'])
      .where('plan_id', '=', plan.id)
      .executeTakeFirstOrThrow();
    expect(action).toEqual({ target_text: '31/02/2024', target_kind: 'unparsed' });
    // A date that can be read brings no warning.
    const read = await post(`/plans/${plan.slug}/actions`, {
      title: 'Survey',
      status: 'in_progress',
      targetDate: 'End of June 2021',
    });
    expect((await app.inject(read.headers.location as string)).body).not.toContain('data-target-warning');
  });

  it('lists, on the import review, the actions whose target dates could not be read', async () => {
    const pasted = [
      'Action\tOwner\tTarget date\tStatus',
      'Recruit wellbeing champions\tHR\t31/02/2024\tIn progress',
      'Send the staff survey\tCorp Comms\tSep-21\tComplete',
      'Hold focus groups\tAll directorate leads\t29/02/2023\tNot started',
    ].join('\n');
    const uploaded = await app.inject({ method: 'POST', url: '/import', ...multipartForm({ pasted }, []) });
    expect(uploaded.statusCode, uploaded.body).toBe(303);
    const review = await app.inject(uploaded.headers.location as string);
    const block = review.body.slice(review.body.indexOf('data-unread-targets'));
    const listed = [...block.matchAll(/<li data-unread-target>([^<]*)<\/li>/g)].map((m) => m[1]);
    expect(listed).toEqual(['Recruit wellbeing champions: ‘31/02/2024’', 'Hold focus groups: ‘29/02/2023’']);
    expect(block).toContain('2 target dates were not read as a date');
  });

  it('offers a new report the period from the day after the last published report to today, and says so', async () => {
    const plan = await makePlan(current());
    const first = await app.inject(`/plans/${plan.slug}/reports`);
    expect(first.body).toContain(
      'No report has been published yet, so the period starts three months before today.',
    );
    expect(first.body).not.toContain('type="date"');
    expect(first.body).not.toContain('For example 20');

    const published = await inTransaction(current(), (trx) =>
      createReport(trx, testActor, plan.id, { periodStart: '2024-01-01', periodEnd: '2024-03-31' }),
    );
    const { model } = await loadReport(current().kysely, plan.slug, published.id);
    await inTransaction(current(), async (trx) => {
      await publishReport(trx, testActor, plan.id, published.id, published.version, model, {
        withEmptySections: true,
      });
      // A draft for a later period is not what a board has seen: the next period still follows the published one.
      await createReport(trx, testActor, plan.id, { periodStart: '2024-04-01', periodEnd: '2024-06-30' });
    });
    const page = await app.inject(`/plans/${plan.slug}/reports`);
    expect(page.body).toContain(
      'The period starts the day after the last published report, which ended on 31 March 2024.',
    );
    expect(page.body).toContain('name="periodStart-day" type="text" value="1"');
    expect(page.body).toContain('name="periodStart-month" type="text" value="4"');
    expect(page.body).toContain('name="periodStart-year" type="text" value="2024"');
    const [year, month, day] = todayIso().split('-').map(Number);
    expect(page.body).toContain(`name="periodEnd-day" type="text" value="${day}"`);
    expect(page.body).toContain(`name="periodEnd-month" type="text" value="${month}"`);
    expect(page.body).toContain(`name="periodEnd-year" type="text" value="${year}"`);
  });

  it('refuses a report period that cannot be read, or ends before it starts, naming the field, and drafts nothing', async () => {
    const plan = await makePlan(current());
    const url = `/plans/${plan.slug}/reports`;
    const missing = await post(url, {
      ...dateFieldValues('periodStart', '2024-04-01'),
      'periodEnd-day': '30',
      'periodEnd-month': '6',
      'periodEnd-year': '',
    });
    expect(missing.statusCode).toBe(400);
    expect(missing.body).toContain('href="#periodEnd-year">Last day of the period must include a year</a>');
    expect(markedFields(missing.body, 'periodEnd')).toEqual(['year']);
    expect(markedFields(missing.body, 'periodStart')).toEqual([]);
    const backwards = await post(url, {
      ...dateFieldValues('periodStart', '2024-04-01'),
      ...dateFieldValues('periodEnd', '2024-03-01'),
    });
    expect(backwards.statusCode).toBe(400);
    expect(backwards.body).toContain(
      'href="#periodEnd-day">The last day of the period must be on or after the first</a>',
    );
    const reports = await current()
      .kysely.selectFrom('reports')
      .select('id')
      .where('plan_id', '=', plan.id)
      .execute();
    expect(reports).toEqual([]);
  });
});
