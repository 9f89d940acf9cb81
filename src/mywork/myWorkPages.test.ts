import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { addDays } from '../dates/targetDate.js';
import { formatUkDate, todayIso } from '../dates/ukDate.js';
import { inTransaction } from '../db/transaction.js';
import { createOwner } from '../owners/ownerCommands.js';
import { setPlanRole, updateUserDetails } from '../people/userCommands.js';
import { presentUser } from '../people/users.js';
import { describeEachDatabase } from '../testing/databases.js';
import { makeAction, makePlan, makeTheme, testActor } from '../testing/factories.js';
import { form } from '../testing/forms.js';
import { buildTestApp, injectAs, signedInUser, type SignedInAs, type TestApp } from '../testing/testApp.js';
import { dateFieldValues } from '../web/dateFields.js';
import { everythingElsePageSize } from './myWorkPages.js';

let made = 0;

describeEachDatabase('My work pages and API', (current) => {
  let app: TestApp;
  let owner: SignedInAs;
  let unlinked: SignedInAs;
  let as: (who: SignedInAs) => FastifyInstance['inject'];
  let plan: { id: string; slug: string; title: string };
  let otherPlan: { id: string; slug: string };
  let ids: Record<'overdue' | 'dueSoon' | 'theme' | 'othersAction' | 'secret', string>;
  const today = todayIso();

  beforeAll(async () => {
    const db = current();
    made += 1;
    app = await buildTestApp(db);
    as = (who) => injectAs(app.inject.bind(app), who) as never;
    const ownerName = `Priya Page ${made}`;
    owner = await signedInUser(db, app.config, 'contributor', 'Priya Page');
    unlinked = await signedInUser(db, app.config, 'contributor', 'Una Unlinked');
    const directoryOwner = await inTransaction(db, (trx) =>
      createOwner(trx, testActor, { name: ownerName, kind: 'person' }),
    );
    owner.user = presentUser(
      await inTransaction(db, (trx) =>
        updateUserDetails(trx, testActor, owner.user.id, { ownerId: directoryOwner.id }),
      ),
    );
    plan = await makePlan(db, { title: `Wellbeing plan ${made}`, marking: 'OFFICIAL' });
    otherPlan = await makePlan(db, { title: `Secret plan ${made}`, marking: 'OFFICIAL-SENSITIVE' });
    ids = {
      overdue: (
        await makeAction(db, plan.id, {
          ref: '1.1',
          title: 'Publish the survey results',
          owners: [ownerName],
          targetDate: 'end of sept 21',
          status: 'in_progress',
        })
      ).id,
      dueSoon: (
        await makeAction(db, plan.id, {
          ref: '1.2',
          title: 'Run the listening sessions',
          owners: [ownerName],
          targetDate: formatUkDate(addDays(today, 12)),
        })
      ).id,
      theme: (await makeTheme(db, plan.id, { title: 'Leadership visibility', lead: ownerName })).id,
      othersAction: (
        await makeAction(db, plan.id, { title: 'Someone else’s action', owners: ['Another Person'] })
      ).id,
      secret: (
        await makeAction(db, otherPlan.id, { title: 'Action in the secret plan', owners: ['Another Person'] })
      ).id,
    };
  });
  afterAll(async () => {
    await app.close();
  });

  it('lands a person linked to an owner on My work, and anyone else on the plans, from / and after signing in', async () => {
    expect((await as(owner)('/')).headers.location).toBe('/my-work');
    expect((await as(unlinked)('/')).headers.location).toBe('/plans');
    const page = await as(owner)('/my-work');
    expect(page.body).toMatch(/href="\/my-work"[\s\S]{0,200}?My work/);
    expect((await as(unlinked)('/plans')).body).not.toContain('href="/my-work"');
  });

  it('shows the groups with each item’s plan, status, date as written, last update and a way to post', async () => {
    const page = await as(owner)('/my-work');
    expect(page.statusCode).toBe(200);
    const body = page.body;
    const group = (id: string) => body.split(`data-group="${id}"`)[1]?.split('</ul>')[0] ?? '';
    expect(group('overdue')).toContain('1.1: Publish the survey results');
    expect(group('overdue')).toContain('end of sept 21');
    expect(group('overdue')).toContain(plan.title);
    expect(group('overdue')).toContain(`/plans/${plan.slug}/actions/${ids.overdue}/post-update`);
    expect(group('due-soon')).toContain('Run the listening sessions');
    expect(group('everything-else')).toContain('Leadership visibility');
    expect(group('everything-else')).toContain(`/plans/${plan.slug}/themes/${ids.theme}/post-update`);
    expect(body).not.toContain('data-group="requested"');
    expect(body).toContain('None yet');
    // One plan, one marking: at the top and the foot of the page.
    expect(body.match(/data-marking>OFFICIAL</g)).toHaveLength(2);
    expect(body).not.toContain('Someone else’s action');
    expect(body).not.toContain('Secret plan');
  });

  it('tells a person with no linked owner how to get linked', async () => {
    const page = await as(unlinked)('/my-work');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('How to get linked');
    expect(page.body).toContain('An administrator can link you');
    expect(page.body).not.toContain('/admin/users/');
    const admin = await app.inject('/my-work');
    expect(admin.body).toContain(`href="/admin/users/${app.signedIn.user.id}"`);
  });

  it('posts an update with a status change from the short form and comes back to My work with it marked', async () => {
    const db = current();
    const url = `/plans/${plan.slug}/actions/${ids.dueSoon}/post-update`;
    const formPage = await as(owner)(url);
    expect(formPage.statusCode).toBe(200);
    const [year, month, day] = today.split('-').map(Number) as [number, number, number];
    expect(formPage.body).toContain(`name="effectiveOn-day" type="text" value="${day}"`);
    expect(formPage.body).toContain(`name="effectiveOn-month" type="text" value="${month}"`);
    expect(formPage.body).toContain(`name="effectiveOn-year" type="text" value="${year}"`);
    expect(formPage.body).toContain('name="statusChange"');
    expect(formPage.body).toContain('Run the listening sessions');
    const posted = await as(owner)({
      method: 'POST',
      url,
      ...form({
        body: 'Two sessions held, three booked',
        statusChange: 'in_progress',
        ...dateFieldValues('effectiveOn', today),
      }),
    });
    expect(posted.statusCode).toBe(303);
    expect(posted.headers.location).toBe('/my-work?notice=update-posted');
    const action = await db.kysely
      .selectFrom('actions')
      .selectAll()
      .where('id', '=', ids.dueSoon)
      .executeTakeFirstOrThrow();
    expect(action.status).toBe('in_progress');
    const history = await db.kysely
      .selectFrom('history')
      .select(['record_type', 'actor', 'actor_id'])
      .where('record_id', '=', ids.dueSoon)
      .where('record_type', '=', 'action')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(history).toMatchObject({ actor: 'Priya Page', actor_id: owner.user.id });
    const back = await as(owner)(posted.headers.location as string);
    expect(back.body).toContain('Update posted');
    const item = back.body.split(`data-item="action:${ids.dueSoon}"`)[1]?.split('</li>')[0] ?? '';
    expect(item).toContain('Update posted today');
    expect(item).toContain(`${formatUkDate(today)}: Two sessions held, three booked`);
    expect(item).toContain('In progress');
  });

  it('re-shows the form with what was typed and a message naming the problem, and changes nothing', async () => {
    const db = current();
    const count = async () =>
      Number(
        (
          await db.kysely
            .selectFrom('updates')
            .select((eb) => eb.fn.countAll().as('n'))
            .where('theme_id', '=', ids.theme)
            .executeTakeFirstOrThrow()
        ).n,
      );
    const before = await count();
    const refused = await as(owner)({
      method: 'POST',
      url: `/plans/${plan.slug}/themes/${ids.theme}/post-update`,
      ...form({
        body: 'Visited three stations',
        statusChange: 'ongoing',
        'effectiveOn-day': '31',
        'effectiveOn-month': '2',
        'effectiveOn-year': '2024',
      }),
    });
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain('There is a problem');
    expect(refused.body).toMatch(/date of the update must be a real date/i);
    expect(refused.body).toContain('Visited three stations');
    expect(refused.body).toContain('name="effectiveOn-day" type="text" value="31"');
    expect(refused.body).toMatch(/<option value="ongoing" selected/);
    expect(await count()).toBe(before);
    const empty = await as(owner)({
      method: 'POST',
      url: `/plans/${plan.slug}/themes/${ids.theme}/post-update`,
      ...form({ body: '', ...dateFieldValues('effectiveOn', today) }),
    });
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain('Enter the update');
    expect(await count()).toBe(before);
  });

  it('refuses the form on an item that is not theirs, and hides the way to post where they only read the plan', async () => {
    const db = current();
    expect((await as(owner)(`/plans/${plan.slug}/actions/${ids.othersAction}/post-update`)).statusCode).toBe(
      403,
    );
    expect((await as(owner)(`/plans/${otherPlan.slug}/actions/${ids.secret}/post-update`)).statusCode).toBe(
      404,
    );
    await inTransaction(db, (trx) => setPlanRole(trx, testActor, plan.id, owner.user.id, 'viewer'));
    const page = await as(owner)('/my-work');
    expect(page.body).toContain('Publish the survey results');
    expect(page.body).not.toContain('/post-update');
    expect((await as(owner)(`/plans/${plan.slug}/actions/${ids.overdue}/post-update`)).statusCode).toBe(403);
    await inTransaction(db, (trx) => setPlanRole(trx, testActor, plan.id, owner.user.id, 'contributor'));
  });

  it('gives the same groups in the API, paging "everything else"', async () => {
    const response = await as(owner)('/api/v1/my-work');
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.linked).toBe(true);
    expect(body.groups.map((group: { id: string }) => group.id)).toEqual([
      'overdue',
      'due-soon',
      'everything-else',
    ]);
    const overdue = body.groups[0].items[0];
    expect(overdue).toMatchObject({
      kind: 'action',
      id: ids.overdue,
      ref: '1.1',
      plan: { slug: plan.slug, title: plan.title, marking: 'OFFICIAL' },
      status: 'in_progress',
      overdue: true,
      targetDate: { text: 'end of sept 21', kind: 'date', end: '2021-09-30' },
      lastUpdate: null,
      updateRequested: null,
      mayPostUpdate: true,
    });
    const rest = await as(owner)('/api/v1/my-work?limit=1&offset=5');
    const everythingElse = rest.json().groups.at(-1);
    expect(everythingElse).toMatchObject({ id: 'everything-else', total: 1, items: [] });
    const unlinkedBody = (await as(unlinked)('/api/v1/my-work')).json();
    expect(unlinkedBody).toEqual({ linked: false, groups: [], limit: 100, offset: 0 });
  });

  it('pages "everything else" when it is long', async () => {
    const db = current();
    const manyOwner = `Many Things ${made}`;
    const many = await signedInUser(db, app.config, 'contributor', 'Manu Many');
    const directoryOwner = await inTransaction(db, (trx) =>
      createOwner(trx, testActor, { name: manyOwner, kind: 'person' }),
    );
    many.user = presentUser(
      await inTransaction(db, (trx) =>
        updateUserDetails(trx, testActor, many.user.id, { ownerId: directoryOwner.id }),
      ),
    );
    for (let n = 1; n <= everythingElsePageSize + 2; n++)
      await makeAction(db, plan.id, { title: `Task ${String(n).padStart(2, '0')}`, owners: [manyOwner] });
    const first = await as(many)('/my-work');
    expect(first.body).toContain('Task 01');
    expect(first.body).not.toContain(`Task ${everythingElsePageSize + 1}`);
    expect(first.body).toContain('href="/my-work?page=2"');
    const second = await as(many)('/my-work?page=2');
    expect(second.body).toContain(`Task ${everythingElsePageSize + 2}`);
    expect(second.body).not.toContain('Task 01');
  });
});
