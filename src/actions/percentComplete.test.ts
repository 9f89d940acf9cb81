import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../testing/testApp.js';
import { describeEachDatabase } from '../testing/databases.js';
import { makeAction, makePlan } from '../testing/factories.js';
import { form } from '../testing/forms.js';
import { buildTestApp } from '../testing/testApp.js';
import { readPercentComplete } from './percentComplete.js';

describe('reading percent complete', () => {
  it('reads a whole number with or without a percent sign, and nothing from a blank', () => {
    expect(readPercentComplete('60')).toBe(60);
    expect(readPercentComplete(' 60 % ')).toBe(60);
    expect(readPercentComplete('0')).toBe(0);
    expect(readPercentComplete('100%')).toBe(100);
    expect(readPercentComplete('')).toBeNull();
  });

  it('reads a spreadsheet percentage held as a fraction only when asked to', () => {
    expect(readPercentComplete('0.6', { fractions: true })).toBe(60);
    expect(readPercentComplete('0.25', { fractions: true })).toBe(25);
    expect(readPercentComplete('1.0', { fractions: true })).toBe(100);
    expect(readPercentComplete('33.3%', { fractions: true })).toBe(33);
    expect(readPercentComplete('0.6')).toBeUndefined();
    expect(readPercentComplete('33.3%')).toBeUndefined();
  });

  it('refuses what is not a whole number from 0 to 100', () => {
    for (const text of ['>100', '150', '150%', 'abc', '-5', '100.6%', 'half'])
      expect(readPercentComplete(text, { fractions: true }), text).toBeUndefined();
  });
});

describeEachDatabase('percent complete on an action', (current) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await buildTestApp(current());
  });
  afterAll(async () => {
    await app.close();
  });

  it('is changed through the API at a version, refused when stale or out of range, and told in the history', async () => {
    const db = current();
    const plan = await makePlan(db);
    const action = await makeAction(db, plan.id, { title: 'Refresh the intranet', percentComplete: 40 });
    const url = `/api/v1/plans/${plan.slug}/actions/${action.id}`;
    expect((await app.inject(url)).json()).toMatchObject({ percentComplete: 40, version: 1 });

    const saved = await app.inject({ method: 'PATCH', url, payload: { version: 1, percentComplete: 60 } });
    expect(saved.statusCode).toBe(200);
    expect(saved.json()).toMatchObject({ percentComplete: 60, version: 2 });

    const stale = await app.inject({ method: 'PATCH', url, payload: { version: 1, percentComplete: 90 } });
    expect(stale.statusCode).toBe(409);
    const tooMuch = await app.inject({ method: 'PATCH', url, payload: { version: 2, percentComplete: 140 } });
    expect(tooMuch.statusCode).toBe(400);
    expect((await app.inject(url)).json()).toMatchObject({ percentComplete: 60, version: 2 });

    const cleared = await app.inject({
      method: 'PATCH',
      url,
      payload: { version: 2, percentComplete: null },
    });
    expect(cleared.json()).toMatchObject({ percentComplete: null, version: 3 });

    const history = await app.inject(`/plans/${plan.slug}/actions/${action.id}/history`);
    expect(history.body).toContain('Percent complete: 40% → 60%');
    expect(history.body).toContain('Percent complete: 60% → Not set');
  });

  it('is edited through the action form, shown as a figure, and a bad figure re-shows the form with its text', async () => {
    const db = current();
    const plan = await makePlan(db);
    const action = await makeAction(db, plan.id, { title: 'Survey again' });
    const editUrl = `/plans/${plan.slug}/actions/${action.id}/edit`;
    const page = await app.inject(editUrl);
    expect(page.body).toContain('name="percentComplete"');

    const fields = { version: '1', title: 'Survey again', status: 'in_progress' };
    const refused = await app.inject({
      method: 'POST',
      url: editUrl,
      ...form({ ...fields, percentComplete: 'about half' }),
    });
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain('Enter percent complete as a whole number from 0 to 100');
    expect(refused.body).toContain('value="about half"');

    const saved = await app.inject({
      method: 'POST',
      url: editUrl,
      ...form({ ...fields, percentComplete: '60%' }),
    });
    expect(saved.statusCode).toBe(303);
    const shown = await app.inject(`/plans/${plan.slug}/actions/${action.id}`);
    expect(shown.body).toContain('60% complete');
    const planPage = await app.inject(`/plans/${plan.slug}`);
    expect(planPage.body).toMatch(/data-percent-complete>60% complete</);

    const stale = await app.inject({
      method: 'POST',
      url: editUrl,
      ...form({ ...fields, percentComplete: '80' }),
    });
    expect(stale.statusCode).toBe(409);
    const stored = await db.kysely
      .selectFrom('actions')
      .select(['percent_complete', 'version'])
      .where('id', '=', action.id)
      .executeTakeFirstOrThrow();
    expect(stored).toEqual({ percent_complete: 60, version: 2 });
  });
});
