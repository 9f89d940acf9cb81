import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../testing/databases.js';
import { makeAction, makePlan, makeTheme, makeUpdate } from '../testing/factories.js';
import { buildTestApp } from '../testing/testApp.js';
import { addDays } from '../dates/targetDate.js';
import { todayIso } from '../dates/ukDate.js';

function expectProblem(res: LightMyRequestResponse, status: number) {
  expect(res.statusCode).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  const problem = res.json();
  expect(problem).toMatchObject({ type: 'about:blank', status });
  expect(typeof problem.title).toBe('string');
  expect(typeof problem.detail).toBe('string');
  return problem;
}

describeEachDatabase('JSON API', (current) => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await buildTestApp(current());
  });
  afterAll(async () => {
    await app.close();
  });

  const send = (method: 'POST' | 'PATCH' | 'DELETE' | 'GET', url: string, payload?: unknown) =>
    app.inject({ method, url, ...(payload === undefined ? {} : { payload: payload as object }) });

  it('creates, reads, changes and deletes a plan, recording each change', async () => {
    const created = await send('POST', '/api/v1/plans', {
      title: 'Culture review action plan',
      sponsor: 'DCFO Derek James',
      marking: 'OFFICIAL',
      rag: 'green',
      horizons: ['Short term', 'Medium term'],
    });
    expect(created.statusCode).toBe(201);
    const plan = created.json();
    expect(created.headers.location).toBe(`/api/v1/plans/${plan.slug}`);
    expect(plan).toMatchObject({ title: 'Culture review action plan', rag: 'green', version: 1, total: 0 });
    expect(plan.horizons.map((h: { name: string }) => h.name)).toEqual(['Short term', 'Medium term']);

    const changed = await send('PATCH', `/api/v1/plans/${plan.slug}`, {
      version: 1,
      ragNote: 'All on track',
    });
    expect(changed.statusCode).toBe(200);
    expect(changed.json()).toMatchObject({
      version: 2,
      ragNote: '<p>All on track</p>',
      sponsor: 'DCFO Derek James',
    });

    const history = await current()
      .kysely.selectFrom('history')
      .selectAll()
      .where('record_id', '=', plan.id)
      .orderBy('id')
      .execute();
    expect(history.map((row) => row.change)).toEqual(['create', 'update']);
    expect(history[1]!.actor).toBe('Test Manager');
    expect(JSON.parse(history[1]!.before_json!).rag_note).toBe('');
    expect(JSON.parse(history[1]!.after_json!).rag_note).toBe('<p>All on track</p>');

    const deleted = await send('DELETE', `/api/v1/plans/${plan.slug}`);
    expect(deleted.statusCode).toBe(204);
    expectProblem(await send('GET', `/api/v1/plans/${plan.slug}`), 404);
  });

  it('lists plans with counts by status, searchable and paged', async () => {
    const db = current();
    for (const n of [1, 2, 3]) {
      const plan = await makePlan(db, { title: `Paging plan ${n}` });
      await makeAction(db, plan.id, { status: 'complete' });
      if (n === 2) await makeAction(db, plan.id, { status: 'ongoing' });
    }
    const res = await send('GET', '/api/v1/plans?q=paging%20plan&limit=2&offset=1');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ total: 3, limit: 2, offset: 1 });
    expect(body.items.map((p: { title: string }) => p.title)).toEqual(['Paging plan 2', 'Paging plan 3']);
    expect(body.items[0]).toMatchObject({ total: 2, counts: { complete: 1, ongoing: 1, not_started: 0 } });
  });

  it('refuses a stale edit with 409 and the current version, changing nothing', async () => {
    const db = current();
    const plan = await makePlan(db);
    const action = await makeAction(db, plan.id, { title: 'Original title' });
    const url = `/api/v1/plans/${plan.slug}/actions/${action.id}`;
    expect((await send('PATCH', url, { version: 1, title: 'First save' })).statusCode).toBe(200);
    const stale = await send('PATCH', url, { version: 1, title: 'Second save' });
    const problem = expectProblem(stale, 409);
    expect(problem.currentVersion).toBe(2);
    expect(problem.current).toMatchObject({ title: 'First save', version: 2 });
    expect((await send('GET', url)).json()).toMatchObject({ title: 'First save', version: 2 });
  });

  it('validates bodies by schema and by the rules, naming each field', async () => {
    const plan = await makePlan(current());
    const missing = expectProblem(await send('POST', '/api/v1/plans', { sponsor: 'x' }), 400);
    expect(Object.keys(missing.errors)).toContain('title');
    const unknown = expectProblem(await send('POST', '/api/v1/plans', { title: 'x', colour: 'red' }), 400);
    expect(JSON.stringify(unknown.errors)).toMatch(/additional properties/i);
    const wrongStatus = expectProblem(
      await send('POST', `/api/v1/plans/${plan.slug}/actions`, { title: 'x', status: 'finished' }),
      400,
    );
    expect(Object.keys(wrongStatus.errors)[0]).toMatch(/status/);
    const badRevision = expectProblem(
      await send('POST', `/api/v1/plans/${plan.slug}/actions`, {
        title: 'x',
        revisedTargetDate: 'June 2025',
      }),
      400,
    );
    expect(badRevision.errors.revisedReason).toBeTruthy();
    const notJson = await app.inject({
      method: 'POST',
      url: '/api/v1/plans',
      payload: '{"title":',
      headers: { 'content-type': 'application/json' },
    });
    expectProblem(notJson, 400);
    const actions = (await send('GET', `/api/v1/plans/${plan.slug}/actions`)).json();
    expect(actions.total).toBe(0);
  });

  it('answers unknown plans, themes, actions, updates and owners with 404 problems', async () => {
    const plan = await makePlan(current());
    const unknown = '00000000-0000-0000-0000-000000000000';
    for (const url of [
      '/api/v1/plans/no-such-plan',
      '/api/v1/plans/no-such-plan/export.json',
      `/api/v1/plans/${plan.slug}/themes/${unknown}`,
      `/api/v1/plans/${plan.slug}/actions/${unknown}`,
      `/api/v1/plans/${plan.slug}/actions/${unknown}/updates`,
      `/api/v1/plans/${plan.slug}/updates/${unknown}`,
      `/api/v1/owners/${unknown}`,
      '/api/v1/nothing-here',
    ]) {
      const problem = expectProblem(await send('GET', url), 404);
      expect(problem.instance).toBe(url);
    }
  });

  it('filters and pages actions like the plan page', async () => {
    const db = current();
    const plan = await makePlan(db);
    const theme = await makeTheme(db, plan.id, { title: 'Vision Clarity' });
    await makeAction(db, plan.id, {
      title: 'Plan on a page',
      status: 'ongoing',
      owners: ['Stuart Phoenix'],
      themeId: theme.id,
    });
    await makeAction(db, plan.id, {
      title: 'Brief the board',
      status: 'ongoing',
      targetDate: 'End of June 2021',
      rag: 'red',
    });
    await makeAction(db, plan.id, {
      title: 'Share the report',
      status: 'complete',
      owners: ['Stuart Phoenix'],
    });
    const titles = async (query: string) =>
      (await send('GET', `/api/v1/plans/${plan.slug}/actions?${query}`))
        .json()
        .items.map((a: { title: string }) => a.title);
    expect(await titles('status=ongoing')).toEqual(['Plan on a page', 'Brief the board']);
    expect(await titles('owner=stuart%20phoenix')).toEqual(['Plan on a page', 'Share the report']);
    expect(await titles('overdue=true')).toEqual(['Brief the board']);
    expect(await titles('rag=red')).toEqual(['Brief the board']);
    expect(await titles('q=board')).toEqual(['Brief the board']);
    expect(await titles(`themeId=${theme.id}`)).toEqual(['Plan on a page']);
    expect(await titles('limit=1&offset=2')).toEqual(['Share the report']);
    expectProblem(await send('GET', `/api/v1/plans/${plan.slug}/actions?status=finished`), 400);
  });

  it('posts a dated update that moves the status, newest first in the timeline', async () => {
    const db = current();
    const plan = await makePlan(db);
    const action = await makeAction(db, plan.id, { status: 'ongoing' });
    await makeUpdate(db, plan.id, { actionId: action.id }, { effectiveOn: '2021-08-07', body: 'First' });
    const posted = await send('POST', `/api/v1/plans/${plan.slug}/actions/${action.id}/updates`, {
      effectiveOn: '2021-08-12',
      body: 'Done <script>alert(1)</script>',
      statusChange: 'complete',
    });
    expect(posted.statusCode).toBe(201);
    expect(posted.json()).toMatchObject({ body: 'Done', statusChange: 'complete', author: 'Test Manager' });
    const future = await send('POST', `/api/v1/plans/${plan.slug}/actions/${action.id}/updates`, {
      effectiveOn: addDays(todayIso(), 1),
      body: 'Not yet',
    });
    expectProblem(future, 400);
    expect(JSON.stringify(future.json())).toContain('The date of the update must be today or in the past');
    expect(posted.headers.location).toBe(`/api/v1/plans/${plan.slug}/updates/${posted.json().id}`);
    const read = (await send('GET', `/api/v1/plans/${plan.slug}/actions/${action.id}`)).json();
    expect(read.status).toBe('complete');
    expect(read.completedOn).toBe('2021-08-12');
    expect(read.updates.map((u: { effectiveOn: string }) => u.effectiveOn)).toEqual([
      '2021-08-12',
      '2021-08-07',
    ]);

    const updateUrl = `/api/v1/plans/${plan.slug}/updates/${posted.json().id}`;
    const edited = await send('PATCH', updateUrl, { version: 1, body: 'Done and dusted' });
    expect(edited.json()).toMatchObject({ version: 2, body: '<p>Done and dusted</p>' });
    expectProblem(await send('PATCH', updateUrl, { version: 1, body: 'Late' }), 409);
    expect((await send('DELETE', updateUrl)).statusCode).toBe(204);
    expectProblem(await send('GET', updateUrl), 404);
  });

  it('keeps themes with their leads and updates, and reorders them', async () => {
    const db = current();
    const plan = await makePlan(db);
    const first = (
      await send('POST', `/api/v1/plans/${plan.slug}/themes`, {
        title: 'Return to Work Plan',
        lead: 'Lee Hughes',
      })
    ).json();
    const second = (
      await send('POST', `/api/v1/plans/${plan.slug}/themes`, { title: 'Vision Clarity' })
    ).json();
    expect(first).toMatchObject({ lead: 'Lee Hughes', updates: [] });
    await send('POST', `/api/v1/plans/${plan.slug}/themes/${first.id}/updates`, {
      effectiveOn: '2021-08-07',
      body: 'Update 7/8/21',
    });
    const moved = await send('POST', `/api/v1/plans/${plan.slug}/themes/${second.id}/move`, {
      direction: 'up',
    });
    expect(moved.json().items.map((t: { title: string }) => t.title)).toEqual([
      'Vision Clarity',
      'Return to Work Plan',
    ]);
    const read = (await send('GET', `/api/v1/plans/${plan.slug}/themes/${first.id}`)).json();
    expect(read.updates).toHaveLength(1);
    expectProblem(
      await send('PATCH', `/api/v1/plans/${plan.slug}/themes/${first.id}`, { version: 9, title: 'x' }),
      409,
    );
    expect((await send('DELETE', `/api/v1/plans/${plan.slug}/themes/${first.id}`)).statusCode).toBe(204);
  });

  it('keeps the owners directory: list, create, rename, refuse duplicates, delete', async () => {
    const name = `Corp Comms ${Date.now()}`;
    const created = await send('POST', '/api/v1/owners', { name, email: 'comms@example.org' });
    expect(created.statusCode).toBe(201);
    const owner = created.json();
    expect(owner).toMatchObject({ name, kind: 'team', actions: [], themes: [] });
    expectProblem(await send('POST', '/api/v1/owners', { name: name.toUpperCase() }), 400);
    const listed = (await send('GET', `/api/v1/owners?q=${encodeURIComponent(name)}`)).json();
    expect(listed.items).toHaveLength(1);
    expect(listed.items[0]).toMatchObject({ actionCount: 0, openCount: 0 });
    const renamed = await send('PATCH', `/api/v1/owners/${owner.id}`, { version: 1, name: `${name} team` });
    expect(renamed.json()).toMatchObject({ name: `${name} team`, version: 2 });
    expect((await send('DELETE', `/api/v1/owners/${owner.id}?version=2`)).statusCode).toBe(204);
    expectProblem(await send('GET', `/api/v1/owners/${owner.id}`), 404);
  });

  it('exports the whole plan in the interchange shape', async () => {
    const db = current();
    const plan = await makePlan(db, { title: 'Export me', marking: 'OFFICIAL', horizons: ['Short term'] });
    const theme = await makeTheme(db, plan.id, { title: 'Vision Clarity', lead: 'Stuart Phoenix' });
    const action = await makeAction(db, plan.id, {
      ref: '1.1',
      title: 'Plan on a page',
      themeId: theme.id,
      owners: ['Stuart Phoenix', 'Corp Comms'],
      targetDate: 'end of sept 21',
    });
    await makeUpdate(db, plan.id, { actionId: action.id }, { effectiveOn: '2021-08-07' });
    await makeUpdate(db, plan.id, { themeId: theme.id }, { effectiveOn: '2021-08-12' });
    const res = await send('GET', `/api/v1/plans/${plan.slug}/export.json`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-disposition']).toContain(`${plan.slug}.json`);
    const body = res.json();
    expect(body).toMatchObject({ format: 'headway.plan', formatVersion: 1, plan: { title: 'Export me' } });
    expect(body.horizons.map((h: { name: string }) => h.name)).toEqual(['Short term']);
    expect(body.owners.map((o: { name: string }) => o.name).sort()).toEqual(['Corp Comms', 'Stuart Phoenix']);
    expect(body.themes[0]).toMatchObject({ title: 'Vision Clarity', lead: 'Stuart Phoenix' });
    expect(body.themes[0].updates).toHaveLength(1);
    expect(body.actions[0]).toMatchObject({
      ref: '1.1',
      owners: ['Stuart Phoenix', 'Corp Comms'],
      themeId: theme.id,
      targetDate: { text: 'end of sept 21', kind: 'date', start: '2021-09-30', end: '2021-09-30' },
    });
    expect(body.actions[0].updates[0].effectiveOn).toBe('2021-08-07');
  });

  it('publishes an OpenAPI document naming every route, and a docs page', async () => {
    const res = await send('GET', '/api/openapi.json');
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.openapi).toMatch(/^3\./);
    const routes = Object.entries(doc.paths as Record<string, object>).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
    );
    for (const route of [
      'GET /api/v1/plans',
      'POST /api/v1/plans',
      'GET /api/v1/plans/{slug}',
      'PATCH /api/v1/plans/{slug}',
      'DELETE /api/v1/plans/{slug}',
      'GET /api/v1/plans/{slug}/export.json',
      'GET /api/v1/plans/{slug}/themes',
      'POST /api/v1/plans/{slug}/themes',
      'PATCH /api/v1/plans/{slug}/themes/{themeId}',
      'DELETE /api/v1/plans/{slug}/themes/{themeId}',
      'GET /api/v1/plans/{slug}/actions',
      'POST /api/v1/plans/{slug}/actions',
      'GET /api/v1/plans/{slug}/actions/{actionId}',
      'PATCH /api/v1/plans/{slug}/actions/{actionId}',
      'DELETE /api/v1/plans/{slug}/actions/{actionId}',
      'POST /api/v1/plans/{slug}/actions/{actionId}/updates',
      'POST /api/v1/plans/{slug}/themes/{themeId}/updates',
      'PATCH /api/v1/plans/{slug}/updates/{updateId}',
      'DELETE /api/v1/plans/{slug}/updates/{updateId}',
      'GET /api/v1/owners',
      'POST /api/v1/owners',
      'PATCH /api/v1/owners/{ownerId}',
      'DELETE /api/v1/owners/{ownerId}',
      'POST /api/v1/owners/{ownerId}/merge',
      'GET /api/v1/plans/{slug}/history',
      'GET /api/v1/plans/{slug}/actions/{actionId}/history',
      'GET /api/v1/plans/{slug}/themes/{themeId}/history',
      'GET /api/v1/plans/{slug}/as-at',
      'GET /api/v1/plans/{slug}/compare',
      'GET /api/v1/plans/{slug}/findings',
      'POST /api/v1/plans/{slug}/findings',
      'GET /api/v1/plans/{slug}/findings/coverage',
      'GET /api/v1/plans/{slug}/findings/{findingId}',
      'PATCH /api/v1/plans/{slug}/findings/{findingId}',
      'DELETE /api/v1/plans/{slug}/findings/{findingId}',
      'PUT /api/v1/plans/{slug}/actions/{actionId}/findings',
      'GET /api/v1/plans/{slug}/surveys',
    ])
      expect(routes).toContain(route);
    expect(routes.filter((route) => !route.includes(' /api/v1/'))).toEqual([]);
    const exportSchema =
      doc.paths['/api/v1/plans/{slug}/export.json'].get.responses['200'].content['application/json'].schema;
    expect(Object.keys(exportSchema.properties)).toEqual(
      expect.arrayContaining(['format', 'plan', 'themes', 'actions', 'owners', 'horizons']),
    );
    const docs = await send('GET', '/api/docs/');
    expect(docs.statusCode).toBe(200);
    expect(docs.body).toContain('swagger');
  });
});
