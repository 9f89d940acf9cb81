import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ActionRow } from '../db/schema.js';
import { describeEachDatabase } from '../testing/databases.js';
import { makeAction, makePlan } from '../testing/factories.js';
import { form } from '../testing/forms.js';
import { buildTestApp } from '../testing/testApp.js';
import { changeLines } from './actionTimeline.js';
import { dateFieldValues } from '../web/dateFields.js';

describeEachDatabase("an action's timeline", (current) => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await buildTestApp(current());
  });
  afterAll(async () => {
    await app.close();
  });

  const version = async (id: string) =>
    (
      await current()
        .kysely.selectFrom('actions')
        .select('version')
        .where('id', '=', id)
        .executeTakeFirstOrThrow()
    ).version;

  it('shows a status or date changed through Edit with who and when, among the updates, newest first', async () => {
    const plan = await makePlan(current());
    const action = await makeAction(current(), plan.id, {
      title: 'Brief the leads',
      status: 'in_progress',
      targetDate: 'March 2024',
    });
    const base = `/plans/${plan.slug}/actions/${action.id}`;
    const posted = await app.inject({
      method: 'POST',
      url: `${base}/updates`,
      ...form({ body: 'Leads briefed', ...dateFieldValues('effectiveOn', '2021-08-07') }),
    });
    expect(posted.statusCode).toBe(303);
    // An update that moves the status says so itself: the move is not told twice.
    await app.inject({
      method: 'POST',
      url: `${base}/updates`,
      ...form({
        body: 'Paused for the review',
        ...dateFieldValues('effectiveOn', '2021-08-08'),
        statusChange: 'ongoing',
      }),
    });
    const edited = await app.inject({
      method: 'POST',
      url: `${base}/edit`,
      ...form({
        version: String(await version(action.id)),
        title: 'Brief the leads',
        status: 'complete',
        targetDate: 'April 2024',
      }),
    });
    expect(edited.statusCode).toBe(303);

    const page = await app.inject(base);
    const start = page.body.slice(page.body.indexOf('data-timeline'));
    const timeline = start.slice(0, start.indexOf('</ol>'));
    const items = timeline
      .split('<li')
      .slice(1)
      .map((item) =>
        item
          .replace(/<[^>]+>/g, ' ')
          .replace(/\s+/g, ' ')
          .trim(),
      );
    const today = new Intl.DateTimeFormat('en-GB', {
      timeZone: 'Europe/London',
      day: 'numeric',
      month: 'long',
      year: 'numeric',
    }).format(new Date());
    expect(items).toHaveLength(3);
    expect(items[0]).toContain(today);
    expect(items[0]).toContain('Status changed from Ongoing to Complete by Test Manager.');
    expect(items[0]).toContain('Target date changed from March 2024 to April 2024 by Test Manager.');
    expect(items[1]).toContain('8 August 2021');
    expect(items[1]).toContain('status changed to Ongoing');
    expect(items[2]).toContain('7 August 2021');
    expect(items[2]).toContain('Leads briefed');
    expect(timeline).not.toContain('Status changed from In progress to Ongoing');
  });
});

it('tells each change of status and dates in words, and a completion date only when the status did not move', () => {
  const state = (values: Partial<ActionRow>) => ({
    status: 'in_progress' as const,
    target_text: 'March 2024',
    revised_target_text: '',
    revised_reason: '',
    completed_on: null,
    ...values,
  });
  expect(
    changeLines(
      state({}),
      state({ revised_target_text: 'June 2024', revised_reason: 'Waiting for the survey' }),
    ),
  ).toEqual(['Revised target date set to June 2024 (Waiting for the survey)']);
  expect(changeLines(state({}), state({ target_text: '' }))).toEqual([
    'Target date removed (it was March 2024)',
  ]);
  expect(changeLines(state({}), state({ status: 'complete', completed_on: '2024-03-01' }))).toEqual([
    'Status changed from In progress to Complete',
  ]);
  expect(
    changeLines(
      state({ status: 'complete', completed_on: '2024-03-01' }),
      state({ status: 'complete', completed_on: '2024-02-01' }),
    ),
  ).toEqual(['Completion date changed from 1 March 2024 to 1 February 2024']);
  expect(changeLines(state({}), state({ status: 'complete' }), true)).toEqual([]);
});
