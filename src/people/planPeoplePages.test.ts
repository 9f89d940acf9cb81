import { afterAll, beforeAll, expect, it } from 'vitest';
import { inTransaction } from '../db/transaction.js';
import { describeEachDatabase } from '../testing/databases.js';
import { makePlan } from '../testing/factories.js';
import { formPost, makeUser } from '../testing/people.js';
import { buildTestApp, injectAs, signedInUser, type TestApp } from '../testing/testApp.js';
import { setPlanRole } from './userCommands.js';

describeEachDatabase('people in a plan', (current) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await buildTestApp(current(), { role: 'manager' });
  });
  afterAll(async () => {
    await app.close();
  });

  async function managedPlan(title = 'Culture plan') {
    const plan = await makePlan(current(), { title });
    await inTransaction(current(), (trx) =>
      setPlanRole(trx, { name: 'Test' }, plan.id, app.signedIn.user.id, 'manager'),
    );
    return plan;
  }

  function roleIn(planId: string, userId: string) {
    return current()
      .kysely.selectFrom('plan_members')
      .select('role')
      .where('plan_id', '=', planId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
  }

  it('lists who has which role, and is linked from the plan page for its managers only', async () => {
    const plan = await managedPlan();
    const viewer = await makeUser(current(), { name: 'Vera Viewer' });
    await inTransaction(current(), (trx) => setPlanRole(trx, { name: 'Test' }, plan.id, viewer.id, 'viewer'));
    const res = await app.inject(`/plans/${plan.slug}/people`);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain(`data-person="${viewer.email}"`);
    expect(res.body).toContain('Vera Viewer');
    expect(res.body).toContain(`data-person="${app.signedIn.user.email}"`);
    expect((await app.inject(`/plans/${plan.slug}`)).body).toContain(`href="/plans/${plan.slug}/people"`);

    const asViewer = await signedInUser(current(), app.config, 'viewer');
    await inTransaction(current(), (trx) =>
      setPlanRole(trx, { name: 'Test' }, plan.id, asViewer.user.id, 'contributor'),
    );
    const inject = injectAs(app.inject.bind(app), asViewer);
    expect((await inject(`/plans/${plan.slug}`)).body).not.toContain(`/plans/${plan.slug}/people`);
    expect((await inject(`/plans/${plan.slug}/people`)).statusCode).toBe(403);
    expect(
      (await inject(formPost(`/plans/${plan.slug}/people`, { email: asViewer.user.email, role: 'manager' })))
        .statusCode,
    ).toBe(403);
    expect((await roleIn(plan.id, asViewer.user.id))?.role).toBe('contributor');
    // A plan the user has nothing in answers as if it did not exist.
    const elsewhere = await makePlan(current());
    expect((await inject(`/plans/${elsewhere.slug}/people`)).statusCode).toBe(404);
  });

  it('gives a user a role by e-mail, changes it, and removes them after confirmation, writing history', async () => {
    const plan = await managedPlan();
    const person = await makeUser(current(), { name: 'Carla Contributor' });
    const added = await app.inject(
      formPost(`/plans/${plan.slug}/people`, { email: person.email.toUpperCase(), role: 'contributor' }),
    );
    expect(added.statusCode).toBe(303);
    expect(added.headers.location).toBe(`/plans/${plan.slug}/people?notice=members-saved`);
    expect((await roleIn(plan.id, person.id))?.role).toBe('contributor');

    const changed = await app.inject(
      formPost(`/plans/${plan.slug}/people/${person.id}`, { role: 'manager' }),
    );
    expect(changed.statusCode).toBe(303);
    expect((await roleIn(plan.id, person.id))?.role).toBe('manager');

    const confirm = await app.inject(`/plans/${plan.slug}/people/${person.id}/remove`);
    expect(confirm.body).toContain('Are you sure you want to remove Carla Contributor from Culture plan?');
    const notConfirmed = await app.inject(formPost(`/plans/${plan.slug}/people/${person.id}/remove`, {}));
    expect(notConfirmed.statusCode).toBe(303);
    expect((await roleIn(plan.id, person.id))?.role).toBe('manager');
    await app.inject(formPost(`/plans/${plan.slug}/people/${person.id}/remove`, { confirm: 'yes' }));
    expect(await roleIn(plan.id, person.id)).toBeUndefined();

    const history = await current()
      .kysely.selectFrom('history')
      .select(['actor_id', 'before_json', 'after_json'])
      .where('record_type', '=', 'plan_member')
      .where('record_id', '=', `${plan.id}:${person.id}`)
      .orderBy('id')
      .execute();
    expect(history).toHaveLength(3);
    expect(history.every((row) => row.actor_id === app.signedIn.user.id)).toBe(true);
    expect(history[2]!.after_json).toBeNull();
  });

  it('refuses an unknown e-mail address or role, keeping what was typed and changing nothing', async () => {
    const plan = await managedPlan();
    const unknown = await app.inject(
      formPost(`/plans/${plan.slug}/people`, { email: 'nobody@example.org', role: 'viewer' }),
    );
    expect(unknown.statusCode).toBe(400);
    expect(unknown.body).toContain('There is no user with the e-mail address nobody@example.org');
    expect(unknown.body).toContain('value="nobody@example.org"');
    const person = await makeUser(current());
    const badRole = await app.inject(
      formPost(`/plans/${plan.slug}/people`, { email: person.email, role: 'owner' }),
    );
    expect(badRole.statusCode).toBe(400);
    expect(badRole.body).toContain('A role in this plan must be one of');
    expect(await roleIn(plan.id, person.id)).toBeUndefined();
  });

  it('does not let a plan manager change or remove their own role, so they cannot shut themselves out', async () => {
    const plan = await managedPlan();
    const own = await app.inject(
      formPost(`/plans/${plan.slug}/people/${app.signedIn.user.id}`, { role: 'viewer' }),
    );
    expect(own.statusCode).toBe(400);
    expect(own.body).toContain('You cannot change your own role in this plan');
    const byEmail = await app.inject(
      formPost(`/plans/${plan.slug}/people`, { email: app.signedIn.user.email, role: 'viewer' }),
    );
    expect(byEmail.statusCode).toBe(400);
    const remove = await app.inject(
      formPost(`/plans/${plan.slug}/people/${app.signedIn.user.id}/remove`, { confirm: 'yes' }),
    );
    expect(remove.statusCode).toBe(403);
    expect((await roleIn(plan.id, app.signedIn.user.id))?.role).toBe('manager');
  });
});
