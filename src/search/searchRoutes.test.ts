import { afterAll, beforeAll, expect, it } from 'vitest';
import { inTransaction } from '../db/transaction.js';
import { setPlanRole } from '../people/userCommands.js';
import { describeEachDatabase } from '../testing/databases.js';
import { makeAction, makePlan, makeTheme, testActor } from '../testing/factories.js';
import { buildTestApp, type TestApp } from '../testing/testApp.js';

describeEachDatabase('GET /api/v1/search', (current) => {
  let app: TestApp;
  let viewer: TestApp;
  beforeAll(async () => {
    app = await buildTestApp(current());
    viewer = await buildTestApp(current(), { role: 'viewer' });
  });
  afterAll(async () => {
    await app.close();
    await viewer.close();
  });

  it('answers the matching actions with their plan, theme and the match marked in escaped HTML', async () => {
    const db = current();
    const plan = await makePlan(db, { title: 'API search plan' });
    const theme = await makeTheme(db, plan.id, { title: 'Estuary' });
    const action = await makeAction(db, plan.id, {
      ref: 'E1',
      title: 'Mudflat <b>survey</b>',
      themeId: theme.id,
      futureActions: '<p>Count the dunlin & knot</p>',
    });
    const res = await app.inject('/api/v1/search?q=dunlin');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      items: [
        {
          action: { id: action.id, ref: 'E1', title: 'Mudflat <b>survey</b>', status: 'not_started' },
          plan: { slug: plan.slug, title: 'API search plan' },
          theme: { id: theme.id, title: 'Estuary' },
          titleHtml: 'Mudflat &lt;b&gt;survey&lt;/b&gt;',
          snippet: { field: 'futureActions', html: 'Count the <mark>dunlin</mark> &amp; knot' },
        },
      ],
      total: 1,
      limit: 20,
      offset: 0,
    });
    const byTitle = (await app.inject('/api/v1/search?q=mudflat')).json();
    expect(byTitle.items[0].titleHtml).toBe('<mark>Mudflat</mark> &lt;b&gt;survey&lt;/b&gt;');
    expect(byTitle.items[0].snippet).toBeNull();
  });

  it('pages with limit and offset, and counts every match', async () => {
    const db = current();
    const plan = await makePlan(db);
    for (let n = 1; n <= 7; n++) await makeAction(db, plan.id, { title: `Sandbar ${n}` });
    const res = await app.inject('/api/v1/search?q=sandbar&limit=3&offset=6');
    expect(res.json()).toMatchObject({ total: 7, limit: 3, offset: 6 });
    expect(res.json().items).toHaveLength(1);
    const nothing = await app.inject('/api/v1/search?q=%22*()');
    expect(nothing.json()).toEqual({ items: [], total: 0, limit: 20, offset: 0 });
  });

  it('refuses a missing or over-long search with a problem naming q', async () => {
    const missing = await app.inject('/api/v1/search');
    expect(missing.statusCode).toBe(400);
    expect(Object.keys(missing.json().errors)).toEqual(['q']);
    const long = await app.inject(`/api/v1/search?q=${'a'.repeat(201)}`);
    expect(long.statusCode).toBe(400);
    expect(long.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(long.json().errors).toEqual({ q: 'Search must be 200 characters or fewer' });
  });

  it('finds nothing in a plan the caller may not read', async () => {
    const db = current();
    const theirs = await makePlan(db, { title: 'Token plan' });
    const hidden = await makePlan(db, { title: 'Token hidden plan' });
    await makeAction(db, theirs.id, { title: 'Lugworm casts' });
    await makeAction(db, hidden.id, { title: 'Lugworm hidden' });
    await inTransaction(db, (trx) =>
      setPlanRole(trx, testActor, theirs.id, viewer.signedIn.user.id, 'viewer'),
    );
    const res = await viewer.inject('/api/v1/search?q=lugworm');
    expect(res.json().total).toBe(1);
    expect(res.json().items.map((item: { plan: { title: string } }) => item.plan.title)).toEqual([
      'Token plan',
    ]);
  });

  it('is described in the OpenAPI document', async () => {
    const document = (await app.inject('/api/openapi.json')).json();
    const operation = document.paths['/api/v1/search'].get;
    expect(operation.tags).toEqual(['search']);
    expect(operation.parameters.map((parameter: { name: string }) => parameter.name)).toEqual([
      'q',
      'limit',
      'offset',
    ]);
  });
});
