import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../testing/databases.js';
import { everything } from '../testing/everything.js';
import { makeAction, makePlan, makeTheme, makeUpdate } from '../testing/factories.js';
import { buildTestApp, type TestApp } from '../testing/testApp.js';

type Ids = { slug: string; themeId: string; actionId: string; updateId: string; ownerId: string };

/**
 * Per endpoint, bodies with one field of the wrong type, and the field the answer must name. Each of these was once
 * coerced and saved: 123 as "123", ["a"] as "a", "x" as ["x"], "1" as 1.
 */
const wrongTypes: [method: 'POST' | 'PATCH', path: (ids: Ids) => string, body: object, field: string][] = [
  ['POST', () => '/api/v1/plans', { title: 123 }, 'title'],
  ['POST', () => '/api/v1/plans', { title: ['Wellbeing'] }, 'title'],
  ['POST', () => '/api/v1/plans', { title: true }, 'title'],
  ['POST', () => '/api/v1/plans', { title: 'Plan', horizons: 'Short term' }, 'horizons'],
  ['POST', () => '/api/v1/plans', { title: 'Plan', horizons: [2024] }, 'horizons.0'],
  ['PATCH', (ids) => `/api/v1/plans/${ids.slug}`, { version: '1', sponsor: 'Chief Fire Officer' }, 'version'],
  ['PATCH', (ids) => `/api/v1/plans/${ids.slug}`, { version: [1], sponsor: 'Chief Fire Officer' }, 'version'],
  ['PATCH', (ids) => `/api/v1/plans/${ids.slug}`, { version: 1, sponsor: 42 }, 'sponsor'],
  ['POST', (ids) => `/api/v1/plans/${ids.slug}/themes`, { title: 7 }, 'title'],
  ['POST', (ids) => `/api/v1/plans/${ids.slug}/themes`, { title: 'Theme', lead: ['Corp Comms'] }, 'lead'],
  ['PATCH', (ids) => `/api/v1/plans/${ids.slug}/themes/${ids.themeId}`, { version: '1' }, 'version'],
  [
    'PATCH',
    (ids) => `/api/v1/plans/${ids.slug}/themes/${ids.themeId}`,
    { version: 1, progress: 50 },
    'progress',
  ],
  [
    'POST',
    (ids) => `/api/v1/plans/${ids.slug}/themes/${ids.themeId}/move`,
    { direction: ['down'] },
    'direction',
  ],
  ['POST', (ids) => `/api/v1/plans/${ids.slug}/actions`, { title: 123 }, 'title'],
  ['POST', (ids) => `/api/v1/plans/${ids.slug}/actions`, { title: ['a'] }, 'title'],
  ['POST', (ids) => `/api/v1/plans/${ids.slug}/actions`, { title: 'Action', owners: 'Corp Comms' }, 'owners'],
  ['POST', (ids) => `/api/v1/plans/${ids.slug}/actions`, { title: 'Action', owners: [5] }, 'owners.0'],
  [
    'POST',
    (ids) => `/api/v1/plans/${ids.slug}/actions`,
    { title: 'Action', completedOn: 20240101 },
    'completedOn',
  ],
  ['POST', (ids) => `/api/v1/plans/${ids.slug}/actions`, { title: 'Action', themeId: 1 }, 'themeId'],
  [
    'PATCH',
    (ids) => `/api/v1/plans/${ids.slug}/actions/${ids.actionId}`,
    { version: '1', title: 'x' },
    'version',
  ],
  [
    'PATCH',
    (ids) => `/api/v1/plans/${ids.slug}/actions/${ids.actionId}`,
    { version: 1, status: ['complete'] },
    'status',
  ],
  ['POST', (ids) => `/api/v1/plans/${ids.slug}/actions/${ids.actionId}/move`, { direction: 1 }, 'direction'],
  ['POST', (ids) => `/api/v1/plans/${ids.slug}/actions/${ids.actionId}/updates`, { body: 5 }, 'body'],
  [
    'POST',
    (ids) => `/api/v1/plans/${ids.slug}/actions/${ids.actionId}/updates`,
    { body: 'Done', statusChange: ['complete'] },
    'statusChange',
  ],
  ['POST', (ids) => `/api/v1/plans/${ids.slug}/themes/${ids.themeId}/updates`, { body: ['Done'] }, 'body'],
  [
    'PATCH',
    (ids) => `/api/v1/plans/${ids.slug}/updates/${ids.updateId}`,
    { version: '1', body: 'x' },
    'version',
  ],
  ['POST', () => '/api/v1/owners', { name: 7 }, 'name'],
  ['POST', () => '/api/v1/owners', { name: 'Corp Comms team', kind: ['team'] }, 'kind'],
  ['PATCH', (ids) => `/api/v1/owners/${ids.ownerId}`, { version: 1, name: ['Renamed'] }, 'name'],
  ['PATCH', (ids) => `/api/v1/owners/${ids.ownerId}`, { version: '1', name: 'Renamed' }, 'version'],
];

describeEachDatabase('API bodies taken as sent, without coercion', (current) => {
  let app: TestApp;
  let ids: Ids;
  beforeAll(async () => {
    app = await buildTestApp(current());
    const plan = await makePlan(current(), { title: 'Typed plan' });
    const theme = await makeTheme(current(), plan.id, { title: 'Typed theme' });
    const action = await makeAction(current(), plan.id, { title: 'Typed action', themeId: theme.id });
    await makeAction(current(), plan.id, { title: 'Second typed action', themeId: theme.id });
    const update = await makeUpdate(current(), plan.id, { actionId: action.id }, { body: 'Typed update' });
    const owner = await app.inject({
      method: 'POST',
      url: '/api/v1/owners',
      payload: { name: 'Typed owner' },
    });
    ids = {
      slug: plan.slug,
      themeId: theme.id,
      actionId: action.id,
      updateId: update.id,
      ownerId: owner.json().id,
    };
  });
  afterAll(async () => {
    await app.close();
  });

  it('refuses a wrong type in any field of any body with 400 problem+json naming the field, and saves nothing', async () => {
    const before = await everything(current());
    for (const [method, path, payload, field] of wrongTypes) {
      const url = path(ids);
      const what = `${method} ${url} ${JSON.stringify(payload)}`;
      const response = await app.inject({ method, url, payload });
      expect(response.statusCode, what).toBe(400);
      expect(response.headers['content-type'], what).toContain('application/problem+json');
      const problem = response.json<{ title: string; errors: Record<string, string> }>();
      expect(problem.title, what).toBe('Invalid input');
      expect(Object.keys(problem.errors), what).toContain(field);
    }
    expect(await everything(current())).toEqual(before);
  });

  it('still reads numbers and yes/no from the query string, which is text by nature', async () => {
    const listed = await app.inject({
      url: `/api/v1/plans/${ids.slug}/actions?limit=1&offset=1&overdue=false`,
    });
    expect(listed.statusCode).toBe(200);
    expect(listed.json()).toMatchObject({ limit: 1, offset: 1, total: 2 });
    expect(listed.json().items).toHaveLength(1);
    const wrong = await app.inject({ url: `/api/v1/plans/${ids.slug}/actions?limit=some` });
    expect(wrong.statusCode).toBe(400);
    expect(Object.keys(wrong.json().errors)).toContain('limit');
  });

  it('takes the right types as sent', async () => {
    const made = await app.inject({
      method: 'POST',
      url: `/api/v1/plans/${ids.slug}/actions`,
      payload: { title: '123', owners: ['Corp Comms'], completedOn: null },
    });
    expect(made.statusCode).toBe(201);
    expect(made.json()).toMatchObject({ title: '123', owners: ['Corp Comms'] });
  });
});
