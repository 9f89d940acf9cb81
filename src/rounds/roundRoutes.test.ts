import { afterAll, beforeAll, expect, it } from 'vitest';
import { addDays } from '../dates/targetDate.js';
import { londonDate } from '../dates/ukDate.js';
import { describeEachDatabase } from '../testing/databases.js';
import { makeUpdate } from '../testing/factories.js';
import { makeRoundPlan, queuedEmailsTo } from '../testing/rounds.js';
import { buildTestApp, type TestApp } from '../testing/testApp.js';

describeEachDatabase('update requests in the API', (current) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await buildTestApp(current());
  });
  afterAll(async () => {
    await app.close();
  });

  it('starts a round, reads it with its counts per owner and item, lists it, and closes it at its version', async () => {
    const fixture = await makeRoundPlan(current());
    const base = `/api/v1/plans/${fixture.plan.slug}/rounds`;
    const started = await app.inject({
      method: 'POST',
      url: base,
      payload: {
        meetingName: 'Fire Authority board',
        meetingOn: addDays(londonDate(), 9),
        deadline: addDays(londonDate(), 7),
        reminderDays: [2],
        items: [
          `action:${fixture.ashActionId}`,
          `action:${fixture.boActionId}`,
          `action:${fixture.cyActionId}`,
        ],
      },
    });
    expect(started.statusCode, started.body).toBe(201);
    const round = started.json();
    expect(round).toMatchObject({
      state: 'open',
      itemCount: 3,
      updatedCount: 0,
      reminderDays: [2],
      version: 1,
    });
    expect(
      round.owners.find((owner: { ownerId: string }) => owner.ownerId === fixture.cy.id).canBeEmailed,
    ).toBe(false);
    expect(await queuedEmailsTo(current(), fixture.ash.email)).toHaveLength(1);
    await makeUpdate(current(), fixture.plan.id, { actionId: fixture.boActionId });
    const read = (await app.inject(`${base}/${round.id}`)).json();
    expect(read.updatedCount).toBe(1);
    const bo = read.owners.find((owner: { ownerId: string }) => owner.ownerId === fixture.bo.id);
    expect(bo.items[0]).toMatchObject({ key: `action:${fixture.boActionId}`, updatedBy: 'Test Manager' });
    const list = (await app.inject(base)).json();
    expect(
      list.items.map((item: { id: string; updatedCount: number }) => [item.id, item.updatedCount]),
    ).toEqual([[round.id, 1]]);
    const stale = await app.inject({
      method: 'POST',
      url: `${base}/${round.id}/close`,
      payload: { version: 9 },
    });
    expect(stale.statusCode).toBe(409);
    const closed = await app.inject({
      method: 'POST',
      url: `${base}/${round.id}/close`,
      payload: { version: 1 },
    });
    expect(closed.statusCode).toBe(200);
    expect(closed.json()).toMatchObject({ state: 'closed', version: 2 });
    const again = await app.inject({
      method: 'POST',
      url: `${base}/${round.id}/close`,
      payload: { version: 2 },
    });
    expect(again.statusCode).toBe(400);
  });

  it('refuses a round with a bad deadline, naming the field, and documents the routes', async () => {
    const fixture = await makeRoundPlan(current());
    const refused = await app.inject({
      method: 'POST',
      url: `/api/v1/plans/${fixture.plan.slug}/rounds`,
      payload: {
        meetingName: 'Board',
        meetingOn: addDays(londonDate(), 3),
        deadline: addDays(londonDate(), 5),
      },
    });
    expect(refused.statusCode).toBe(400);
    expect(JSON.stringify(refused.json())).toContain('deadline');
    const openapi = (await app.inject('/api/openapi.json')).json();
    for (const path of [
      '/api/v1/plans/{slug}/rounds',
      '/api/v1/plans/{slug}/rounds/{roundId}',
      '/api/v1/plans/{slug}/rounds/{roundId}/close',
    ])
      expect(Object.keys(openapi.paths)).toContain(path);
  });
});
