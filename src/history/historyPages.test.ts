// The History pages and the plan as it stood, through the app as a person and a script use them.
import { afterAll, afterEach, beforeAll, expect, it, vi } from 'vitest';
import { findAction, updateAction } from '../actions/actionCommands.js';
import { importActor } from '../import/importFile.js';
import { savePlanDraft } from '../import/savePlanDraft.js';
import { findPlanBySlug } from '../plans/planCommands.js';
import { describeEachDatabase } from '../testing/databases.js';
import { makeAction, makePlan, makeTheme, makeUpdate, testActor } from '../testing/factories.js';
import { buildTestApp, type TestApp } from '../testing/testApp.js';
import { dateFieldValues } from '../web/dateFields.js';
import { form } from '../testing/forms.js';

afterEach(() => {
  vi.useRealTimers();
});

describeEachDatabase('history pages and the plan as it stood', (current) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await buildTestApp(current());
  });
  afterAll(async () => {
    await app.close();
  });

  /** A plan whose action was created in February, then moved, re-rated, re-owned and edited in March. */
  async function planWithAYear() {
    const db = current();
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-02-10T09:00:00Z'));
    const plan = await makePlan(db, { title: 'Culture plan', marking: 'OFFICIAL' });
    const theme = await makeTheme(db, plan.id, { title: 'Vision Clarity', lead: 'Stuart Phoenix' });
    const action = await makeAction(db, plan.id, {
      ref: '1.2',
      title: 'Publish the vision',
      themeId: theme.id,
      owners: ['Luke Baldock'],
      status: 'in_progress',
      rag: 'amber',
      targetDate: 'End of June 2021',
      progress: '<p>Drafted <strong>with</strong> staff</p>',
    });
    vi.setSystemTime(new Date('2026-03-02T10:00:00Z'));
    await db.kysely.transaction().execute(async (trx) => {
      const stored = await findAction(trx, plan.id, action.id);
      await updateAction(trx, testActor, plan.id, action.id, stored.version, {
        revisedTargetDate: 'Sep-21',
        revisedReason: 'waiting for the BAME survey results',
        rag: 'red',
        ragReason: 'supplier withdrew',
        owners: ['Corp Comms'],
        progress: '<p>Shared with the board</p>',
      });
    });
    vi.setSystemTime(new Date('2026-03-03T10:00:00Z'));
    await makeUpdate(
      db,
      plan.id,
      { actionId: action.id },
      { body: '<p>Launched</p>', statusChange: 'complete' },
    );
    vi.setSystemTime(new Date('2026-03-04T10:00:00Z'));
    await db.kysely.transaction().execute(async (trx) =>
      savePlanDraft(
        trx,
        importActor(testActor, 'board-pack.xlsx'),
        {
          plan: { title: plan.title, horizons: [] },
          themes: [],
          actions: [{ title: 'Imported action', theme: 'Vision Clarity', horizon: null, updates: [] }],
        },
        await findPlanBySlug(trx, plan.slug),
      ),
    );
    vi.useRealTimers();
    return { plan, theme, action };
  }

  it("tells an action's changes as sentences, with who, when and where from, and its rich text as plain excerpts", async () => {
    const { plan, action } = await planWithAYear();
    const res = await app.inject(`/plans/${plan.slug}/actions/${action.id}/history`);
    expect(res.statusCode).toBe(200);
    const text = res.body.replace(/\s+/g, ' ');
    expect(text).toContain('History: Action 1.2: Publish the vision');
    expect(text).toContain('Status: In progress → Complete');
    expect(text).toContain(
      'Target date moved from &#39;End of June 2021&#39; to &#39;Sep-21&#39;: waiting for the BAME survey results',
    );
    expect(text).toContain('RAG: Amber → Red: supplier withdrew');
    expect(text).toContain('Owner: Luke Baldock → Corp Comms');
    expect(text).toContain('Progress edited');
    expect(text).toContain('Drafted with staff');
    expect(text).not.toContain('&lt;strong&gt;');
    expect(text).toContain('Update of 3 March 2026 posted by Test Manager, moving the status to Complete');
    expect(text).toContain('2 March 2026, 10:00 · Test Manager');
    // Newest first.
    expect(text.indexOf('Update of 3 March 2026')).toBeLessThan(text.indexOf('Target date moved'));

    const feed = await app.inject(`/plans/${plan.slug}/history`);
    expect(feed.body).toContain('import: board-pack.xlsx');
    expect(feed.body).toContain('Action: Imported action');
  });

  it('filters a history by kind and by dates, and names a bad date without losing the rest', async () => {
    const { plan, action } = await planWithAYear();
    const path = `/plans/${plan.slug}/actions/${action.id}/history`;
    const rag = await app.inject(`${path}?kind=rag`);
    expect(rag.body).toContain('RAG: Amber → Red');
    expect(rag.body).not.toContain('Status: In progress → Complete');
    const february = new URLSearchParams({
      ...dateFieldValues('from', '2026-02-01'),
      ...dateFieldValues('to', '2026-02-28'),
    });
    const early = await app.inject(`${path}?${february}`);
    expect(early.body).toContain('Added');
    expect(early.body).not.toContain('RAG: Amber → Red');
    const bad = await app.inject(`${path}?from-day=31&from-month=2&from-year=2026&kind=status`);
    expect(bad.body).toContain('From date must be a real date');
    expect(bad.body).toContain('Status: In progress → Complete');
    expect(bad.body).toMatch(/value="31"/);
  });

  it('pages a long history from where the last page stopped, both ways', async () => {
    const db = current();
    const plan = await makePlan(db, { title: 'Busy plan' });
    const action = await makeAction(db, plan.id, { title: 'Busy action' });
    for (let n = 1; n <= 30; n++)
      await makeUpdate(db, plan.id, { actionId: action.id }, { body: `<p>Note ${n}</p>` });
    const first = await app.inject(`/plans/${plan.slug}/actions/${action.id}/history`);
    expect(first.body).toContain('Note 30');
    expect(first.body).not.toContain('Note 5<');
    const older = /href="([^"]*older=\d+)"/.exec(first.body)![1]!.replace(/&amp;/g, '&');
    const second = await app.inject(older);
    expect(second.body).toContain('Note 5<');
    expect(second.body).toContain('Added');
    expect(second.body).not.toContain('Note 30');
    const newer = /href="([^"]*newer=\d+)"/.exec(second.body)![1]!.replace(/&amp;/g, '&');
    const back = await app.inject(newer);
    expect(back.body).toContain('Note 30');

    const api = await app.inject(`/api/v1/plans/${plan.slug}/actions/${action.id}/history?limit=10`);
    expect(api.statusCode).toBe(200);
    const body = api.json<{ items: { id: number; lines: { text: string }[] }[]; older: number }>();
    expect(body.items).toHaveLength(10);
    expect(body.items[0]!.lines[0]!.text).toContain('posted by Test Manager');
    const next = await app.inject(
      `/api/v1/plans/${plan.slug}/actions/${action.id}/history?limit=10&older=${body.older}`,
    );
    const ids = next.json<{ items: { id: number }[] }>().items.map((item) => item.id);
    expect(Math.max(...ids)).toBeLessThan(Math.min(...body.items.map((item) => item.id)));
  });

  it('shows the plan as it stood, with a banner, a way back and nothing to edit, and downloads it so', async () => {
    const { plan } = await planWithAYear();
    const res = await app.inject(`/plans/${plan.slug}?at=2026-02-14T12:00`);
    expect(res.statusCode).toBe(200);
    const text = res.body.replace(/\s+/g, ' ');
    expect(text).toContain('You are looking at this plan as it stood on 14 February 2026 at 12:00.');
    expect(text).toContain(`href="/plans/${plan.slug}">Go to today's plan</a>`);
    expect(text).toContain('End of June 2021');
    expect(text).toContain('Luke Baldock');
    expect(text).not.toContain('Corp Comms');
    expect(text).not.toContain('Imported action');
    expect(text).not.toContain('/edit"');
    expect(text).not.toContain('Add an action');
    expect(text).toContain(`/plans/${plan.slug}/export.docx?at=2026-02-14T12:00`);

    const today = await app.inject(`/plans/${plan.slug}`);
    expect(today.body).toContain('Corp Comms');
    expect(today.body).toContain('Add an action');

    const csv = await app.inject(`/plans/${plan.slug}/export.csv?at=2026-02-14T12:00`);
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-disposition']).toContain('as-at-2026-02-14-1200.csv');
    expect(csv.body).toContain('Luke Baldock');
    expect(csv.body).not.toContain('Imported action');

    const api = await app.inject(`/api/v1/plans/${plan.slug}/as-at?at=2026-03-02T10:30`);
    expect(api.statusCode).toBe(200);
    const asAt = api.json<{
      actions: { owners: string[]; status: string; revisedTargetDate: { text: string } }[];
    }>();
    expect(asAt.actions).toHaveLength(1);
    expect(asAt.actions[0]).toMatchObject({ owners: ['Corp Comms'], status: 'in_progress' });
    expect(asAt.actions[0]!.revisedTargetDate.text).toBe('Sep-21');

    const before = await app.inject(`/api/v1/plans/${plan.slug}/as-at?at=2026-01-01T12:00`);
    expect(before.statusCode).toBe(400);
    expect(before.body).toContain('This plan was created on 10 February 2026 at 09:00');
    const nonsense = await app.inject(`/plans/${plan.slug}?at=last-tuesday`);
    expect(nonsense.statusCode).toBe(400);
    expect(nonsense.body).toContain('2026-02-14T12:00');
  });

  it('asks for a date and time, names what is wrong and keeps what was typed, and goes to the plan as it stood', async () => {
    const plan = await makePlan(current(), { title: 'Form plan' });
    const empty = await app.inject(`/plans/${plan.slug}/as-at`);
    expect(empty.statusCode).toBe(200);
    const wrong = await app.inject(`/plans/${plan.slug}/as-at?at-day=14&at-month=2&at-year=20&time=25:00`);
    expect(wrong.statusCode).toBe(400);
    expect(wrong.body).toContain('Year must include 4 numbers');
    expect(wrong.body).toContain('Enter a time on the 24-hour clock, like 14:30');
    expect(wrong.body).toContain('value="25:00"');
    const good = await app.inject(`/plans/${plan.slug}/as-at?at-day=14&at-month=2&at-year=2026&time=12:00`);
    expect(good.statusCode).toBe(303);
    expect(good.headers.location).toBe(`/plans/${plan.slug}?at=2026-02-14T12:00`);
  });

  it('compares two days on a page and in the API, grouped by theme, and names a bad pair of dates', async () => {
    const { plan, action } = await planWithAYear();
    const days = new URLSearchParams({
      ...dateFieldValues('from', '2026-02-28'),
      ...dateFieldValues('to', '2026-03-03'),
    });
    const page = await app.inject(`/plans/${plan.slug}/compare?${days}`);
    expect(page.statusCode).toBe(200);
    const text = page.body.replace(/\s+/g, ' ');
    expect(text).toContain(
      'From 28 February 2026 at 00:00 to 3 March 2026 at 23:59: 1 status change, 1 RAG change, 1 target date moved, 1 change of owner, 1 new update.',
    );
    expect(text).toContain('<h2 class="govuk-heading-l">Vision Clarity</h2>');
    expect(text).toContain('RAG: Amber → Red: supplier withdrew');
    expect(text).toContain('Status: In progress → Complete');
    expect(text).toContain('Owner: Luke Baldock → Corp Comms');
    expect(text).toContain('Launched');
    // The import of 4 March falls after the second day.
    expect(text).not.toContain('Imported action');

    // By default: since the plan was made (no report is published), until now.
    const since = await app.inject(`/plans/${plan.slug}/compare`);
    expect(since.body).toMatch(
      /From when the plan was made, 10 February 2026 at 09:00 to now: 1 action added, 1 status change/,
    );
    expect(since.body).toContain('Imported action');
    expect((await app.inject(`/plans/${plan.slug}`)).body).toContain(`href="/plans/${plan.slug}/compare"`);

    const backwards = new URLSearchParams({
      ...dateFieldValues('from', '2026-03-03'),
      ...dateFieldValues('to', '2026-02-28'),
    });
    const refused = await app.inject(`/plans/${plan.slug}/compare?${backwards}`);
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain('The second date must be the same as or after the first');
    expect(refused.body).not.toContain('data-compare-theme');
    const unreal = await app.inject(`/plans/${plan.slug}/compare?from-day=31&from-month=2&from-year=2026`);
    expect(unreal.statusCode).toBe(400);
    expect(unreal.body).toContain('First date must be a real date');

    const api = await app.inject(
      `/api/v1/plans/${plan.slug}/compare?from=2026-02-28T00:00&to=2026-03-03T23:59`,
    );
    expect(api.statusCode).toBe(200);
    const body = api.json();
    expect(body.summary).toBe(
      '1 status change, 1 RAG change, 1 target date moved, 1 change of owner, 1 new update',
    );
    expect(body.counts.statusChanges).toBe(1);
    expect(body.themes[0].theme).toBe('Vision Clarity');
    expect(body.themes[0].changed[0]).toMatchObject({
      id: action.id,
      rag: { from: 'Amber', to: 'Red', reason: 'supplier withdrew' },
      lines: expect.arrayContaining(['Owner: Luke Baldock → Corp Comms']),
    });
    const bad = await app.inject(`/api/v1/plans/${plan.slug}/compare?from=yesterday`);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().detail).toContain('"yesterday" is not a date and time');
  });

  it('answers a theme or action the plan never had with 404, and keeps a deleted one readable', async () => {
    const db = current();
    const plan = await makePlan(db, { title: 'Theme history plan' });
    const theme = await makeTheme(db, plan.id, { title: 'Wellbeing', lead: 'HR' });
    const other = await makePlan(db, { title: 'Another plan' });
    const stranger = await makeTheme(db, other.id, { title: 'Not yours' });
    expect((await app.inject(`/plans/${plan.slug}/themes/${stranger.id}/history`)).statusCode).toBe(404);
    const deleted = await app.inject({
      method: 'POST',
      url: `/plans/${plan.slug}/themes/${theme.id}/delete`,
      ...form({ confirm: 'yes' }),
    });
    expect(deleted.statusCode).toBe(303);
    const res = await app.inject(`/plans/${plan.slug}/themes/${theme.id}/history`);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Deleted');
    expect(res.body).toContain('Lead: HR');
  });
});
