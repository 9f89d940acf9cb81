import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, postgresReachable, type TestDatabase } from '../testing/databases.js';
import { describeEachDatabase } from '../testing/databases.js';
import { makeAction, makePlan, makeTheme, makeUpdate } from '../testing/factories.js';
import { form } from '../testing/forms.js';
import { buildTestApp } from '../testing/testApp.js';
import { dateFieldValues } from '../web/dateFields.js';

describeEachDatabase('plan pages', (current) => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await buildTestApp(current());
  });
  afterAll(async () => {
    await app.close();
  });

  it('lists plans with their actions counted by status', async () => {
    const db = current();
    const plan = await makePlan(db, { title: 'Counting plan' });
    await makeAction(db, plan.id, { status: 'complete' });
    await makeAction(db, plan.id, { status: 'ongoing' });
    await makeAction(db, plan.id, { status: 'ongoing' });
    const res = await app.inject('/plans?q=Counting');
    expect(res.statusCode).toBe(200);
    const row = res.body.slice(res.body.indexOf('Counting plan'));
    expect(row).toMatch(/data-count="ongoing">2</);
    expect(row).toMatch(/data-count="complete">1</);
    expect(row).toMatch(/data-count="total">3</);
  });

  it('shows a plan grouped by theme with the action-plan columns and the marking', async () => {
    const db = current();
    const plan = await makePlan(db, { title: 'Staff survey', marking: 'NOT PROTECTIVELY MARKED' });
    const theme = await makeTheme(db, plan.id, { title: 'Vision Clarity', lead: 'Stuart Phoenix' });
    await makeAction(db, plan.id, {
      title: 'Plan on a page',
      themeId: theme.id,
      owners: ['Stuart Phoenix'],
      targetDate: 'April 2022 launch',
    });
    const res = await app.inject(`/plans/${plan.slug}`);
    expect(res.statusCode).toBe(200);
    for (const text of [
      'Action',
      'Owner',
      'Progress',
      'Future planned actions',
      'Dates for delivery',
      'Status',
    ])
      expect(res.body).toContain(`>${text}</th>`);
    expect(res.body).toContain('data-group="Vision Clarity"');
    expect(res.body).toContain('Lead: Stuart Phoenix');
    expect(res.body.match(/data-marking>NOT PROTECTIVELY MARKED</g)).toHaveLength(2);
  });

  it('filters by status, owner, RAG, overdue and text, and says how many match', async () => {
    const db = current();
    const plan = await makePlan(db);
    await makeAction(db, plan.id, {
      title: 'Brief the board',
      status: 'ongoing',
      owners: ['Corp Comms'],
      rag: 'red',
      targetDate: 'End of June 2021',
    });
    await makeAction(db, plan.id, {
      title: 'Hold focus groups',
      status: 'ongoing',
      owners: ['Luke Baldock'],
      targetDate: 'Ongoing',
    });
    await makeAction(db, plan.id, { title: 'Share the report', status: 'complete', owners: ['Corp Comms'] });
    const count = async (query: string) => {
      const res = await app.inject(`/plans/${plan.slug}?${query}`);
      return /Showing (\d+) of 3 actions/.exec(res.body)?.[1];
    };
    expect(await count('status=ongoing')).toBe('2');
    expect(await count('owner=Corp+Comms')).toBe('2');
    expect(await count('rag=red')).toBe('1');
    expect(await count('overdue=true')).toBe('1');
    expect(await count('q=focus')).toBe('1');
    expect(await count('status=ongoing&owner=Corp+Comms')).toBe('1');
    expect(await count('q=nothing-like-this')).toBe('0');
  });

  it('groups by horizon when asked', async () => {
    const db = current();
    const plan = await makePlan(db, { horizons: ['Short term (by April 2024)', 'Medium term'] });
    const horizons = await db.kysely
      .selectFrom('horizons')
      .selectAll()
      .where('plan_id', '=', plan.id)
      .orderBy('position')
      .execute();
    await makeAction(db, plan.id, { title: 'Medium thing', horizonId: horizons[1]!.id });
    const res = await app.inject(`/plans/${plan.slug}?group=horizon`);
    expect(res.body).toContain('data-group="Medium term"');
  });

  it("re-shows the plan form with the user's text and a message when the title is missing", async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/plans',
      ...form({ title: '', sponsor: 'DCFO Derek James', horizons: '' }),
    });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('Enter a title');
    expect(res.body).toContain('value="DCFO Derek James"');
  });

  it('creates a plan from the form and shows it', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/plans',
      ...form({ title: 'Culture action plan', horizons: 'Short term\nMedium term' }),
    });
    expect(res.statusCode).toBe(303);
    const page = await app.inject(res.headers.location as string);
    expect(page.body).toContain('Culture action plan');
  });

  it("refuses a stale action edit with both versions side by side and keeps the user's text", async () => {
    const db = current();
    const plan = await makePlan(db);
    const action = await makeAction(db, plan.id, { title: 'Original title', progress: 'Original progress' });
    const first = await app.inject({
      method: 'POST',
      url: `/plans/${plan.slug}/actions/${action.id}/edit`,
      ...form({
        version: '1',
        title: 'Saved by someone else',
        status: 'ongoing',
        progress: 'Original progress',
      }),
    });
    expect(first.statusCode).toBe(303);
    const second = await app.inject({
      method: 'POST',
      url: `/plans/${plan.slug}/actions/${action.id}/edit`,
      ...form({
        version: '1',
        title: 'My careful wording',
        status: 'ongoing',
        progress: 'Original progress',
      }),
    });
    expect(second.statusCode).toBe(409);
    expect(second.body).toContain('Someone else saved a change while you were editing');
    expect(second.body).toMatch(/data-saved>Saved by someone else</);
    expect(second.body).toMatch(/data-mine>My careful wording</);
    expect(second.body).toContain('My careful wording</textarea>');
    expect(second.body).toContain('name="version" value="2"');
    const stored = await db.kysely
      .selectFrom('actions')
      .select('title')
      .where('id', '=', action.id)
      .executeTakeFirstOrThrow();
    expect(stored.title).toBe('Saved by someone else');
  });

  it('posts an update with a status change from the action page and shows it first in the timeline', async () => {
    const db = current();
    const plan = await makePlan(db);
    const action = await makeAction(db, plan.id, { status: 'ongoing' });
    await makeUpdate(
      db,
      plan.id,
      { actionId: action.id },
      { effectiveOn: '2021-08-07', body: 'Older update' },
    );
    const res = await app.inject({
      method: 'POST',
      url: `/plans/${plan.slug}/actions/${action.id}/updates`,
      ...form({
        body: 'Newest update',
        ...dateFieldValues('effectiveOn', '2021-09-01'),
        statusChange: 'complete',
      }),
    });
    expect(res.statusCode).toBe(303);
    const page = await app.inject(`/plans/${plan.slug}/actions/${action.id}`);
    const timeline = page.body.slice(page.body.indexOf('data-timeline'));
    expect(timeline.indexOf('Newest update')).toBeLessThan(timeline.indexOf('Older update'));
    expect(timeline).toContain('1 September 2021');
    expect(timeline).toContain('status changed to Complete');
  });

  it('keeps the update text when the update is refused', async () => {
    const db = current();
    const plan = await makePlan(db);
    const action = await makeAction(db, plan.id);
    const res = await app.inject({
      method: 'POST',
      url: `/plans/${plan.slug}/actions/${action.id}/updates`,
      ...form({
        body: 'Half-written thought',
        'effectiveOn-day': '45',
        'effectiveOn-month': '13',
        'effectiveOn-year': '2021',
      }),
    });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('Half-written thought</textarea>');
    expect(res.body).toContain('must be a real date');
  });

  it('asks before deleting a plan and deletes only on confirmation', async () => {
    const db = current();
    const plan = await makePlan(db, { title: 'Doomed plan' });
    await makeAction(db, plan.id);
    const confirm = await app.inject(`/plans/${plan.slug}/delete`);
    expect(confirm.body).toContain('Are you sure you want to delete Doomed plan?');
    const cancelled = await app.inject({ method: 'POST', url: `/plans/${plan.slug}/delete`, ...form({}) });
    expect(cancelled.statusCode).toBe(303);
    expect((await app.inject(`/plans/${plan.slug}`)).statusCode).toBe(200);
    await app.inject({ method: 'POST', url: `/plans/${plan.slug}/delete`, ...form({ confirm: 'yes' }) });
    expect((await app.inject(`/plans/${plan.slug}`)).statusCode).toBe(404);
    const history = await db.kysely
      .selectFrom('history')
      .selectAll()
      .where('record_id', '=', plan.id)
      .where('change', '=', 'delete')
      .executeTakeFirstOrThrow();
    expect(JSON.parse(history.before_json!).actions).toHaveLength(1);
  });

  it('answers an unknown plan or action with a 404 page', async () => {
    const db = current();
    const plan = await makePlan(db);
    expect((await app.inject('/plans/no-such-plan')).statusCode).toBe(404);
    const res = await app.inject(`/plans/${plan.slug}/actions/00000000-0000-0000-0000-000000000000`);
    expect(res.statusCode).toBe(404);
    expect(res.body).toContain('Action was not found');
  });

  it('shows rich text sanitised and escapes plain fields', async () => {
    const db = current();
    const plan = await makePlan(db);
    await makeAction(db, plan.id, {
      title: '<script>alert("t")</script>',
      progress: '<p>ok<img src=x onerror=alert(1)></p>',
    });
    const res = await app.inject(`/plans/${plan.slug}`);
    expect(res.body).not.toContain('<script>alert("t")</script>');
    expect(res.body).toContain('&lt;script&gt;');
    expect(res.body).not.toContain('onerror');
  });
});

describe('plan page and plan JSON queries', () => {
  for (const [dialect, url] of [
    ['sqlite', '/plans/{slug}'],
    ['postgres', '/plans/{slug}'],
    ['sqlite', '/api/v1/plans/{slug}/export.json'],
    ['postgres', '/api/v1/plans/{slug}/export.json'],
  ] as const) {
    it(`${url} runs a fixed number of queries whatever the plan's size [${dialect}]`, async (context) => {
      if (dialect === 'postgres' && !(await postgresReachable())) return context.skip();
      let queries = 0;
      const test: TestDatabase = await openTestDatabase(dialect, { onQuery: () => (queries += 1) });
      try {
        const app = await buildTestApp(test.db);
        // The first request with a token records its use; the counts compare requests after that.
        await app.inject('/api/v1/plans');
        const sizes: number[] = [];
        for (const size of [3, 40]) {
          const plan = await makePlan(test.db);
          const theme = await makeTheme(test.db, plan.id, { lead: 'Lead person' });
          for (let i = 0; i < size; i++) {
            const action = await makeAction(test.db, plan.id, {
              themeId: theme.id,
              owners: [`Owner ${i % 5}`, 'Corp Comms'],
            });
            await makeUpdate(test.db, plan.id, { actionId: action.id });
          }
          await makeUpdate(test.db, plan.id, { themeId: theme.id });
          queries = 0;
          const res = await app.inject(url.replace('{slug}', plan.slug));
          expect(res.statusCode).toBe(200);
          sizes.push(queries);
        }
        expect(sizes[0]).toBeGreaterThan(0);
        expect(sizes[0]).toBe(sizes[1]);
        await app.close();
      } finally {
        await test.close();
      }
    });
  }
});
