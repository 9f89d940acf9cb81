import { beforeAll, expect, it } from 'vitest';
import { readConfig } from '../config.js';
import { addDays } from '../dates/targetDate.js';
import { formatUkDate, todayIso } from '../dates/ukDate.js';
import { inTransaction } from '../db/transaction.js';
import { createOwner } from '../owners/ownerCommands.js';
import { setPlanRole, updateUserDetails } from '../people/userCommands.js';
import { presentUser, type User } from '../people/users.js';
import { describeEachDatabase } from '../testing/databases.js';
import { makeAction, makePlan, makeTheme, makeUpdate, testActor } from '../testing/factories.js';
import { signedInUser } from '../testing/testApp.js';
import { startRound } from '../rounds/roundCommands.js';
import { firstLine, groupMyWork, loadMyWork, myWorkOf, type MyWorkGroup } from './myWork.js';

let made = 0;

function titles(groups: MyWorkGroup[]) {
  return Object.fromEntries(groups.map((group) => [group.id, group.items.map((item) => item.title)]));
}

describeEachDatabase('my work', (current) => {
  const today = todayIso();
  const inDays = (days: number) => formatUkDate(addDays(today, days));
  let user: User;
  let ownerName: string;
  let plan: { id: string; title: string };
  let ids: Record<string, string> & Record<'dueLater' | 'dueSoon' | 'ongoing' | 'ledAsked', string>;

  beforeAll(async () => {
    const db = current();
    made += 1;
    ownerName = `Rowan Reed ${made}`;
    const signedIn = await signedInUser(db, readConfig({}, {}), 'contributor', 'Rowan Reed');
    const owner = await inTransaction(db, (trx) =>
      createOwner(trx, testActor, { name: ownerName, kind: 'person' }),
    );
    user = presentUser(
      await inTransaction(db, (trx) =>
        updateUserDetails(trx, testActor, signedIn.user.id, { ownerId: owner.id }),
      ),
    );
    plan = await makePlan(db, { title: `Beta plan ${made}` });
    const alpha = await makePlan(db, { title: `Alpha plan ${made}` });
    const mine = { owners: [ownerName] };
    const action = async (planId: string, title: string, input: Parameters<typeof makeAction>[2]) =>
      (await makeAction(db, planId, { title, ...mine, ...input })).id;
    ids = {
      longOverdue: await action(plan.id, 'Long overdue', {
        targetDate: 'end of sept 21',
        status: 'in_progress',
      }),
      justOverdue: await action(plan.id, 'Just overdue', { targetDate: inDays(-2), status: 'not_started' }),
      alphaOverdue: await action(alpha.id, 'Alpha overdue', { targetDate: inDays(-2) }),
      dueSoon: await action(plan.id, 'Due soon', { targetDate: inDays(10) }),
      dueLater: await action(plan.id, 'Due later', { targetDate: inDays(45) }),
      // Moved: the revised date is the one it is held to.
      moved: await action(plan.id, 'Moved to next week', {
        targetDate: inDays(-30),
        revisedTargetDate: inDays(7),
        revisedReason: 'Waiting for the survey',
      }),
      complete: await action(plan.id, 'Done long ago', { targetDate: 'March 2021', status: 'complete' }),
      cancelledAsked: await action(plan.id, 'Cancelled but asked', { status: 'cancelled' }),
      askedAndOverdue: await action(plan.id, 'Asked and overdue', { targetDate: 'June 2022' }),
      ongoing: await action(plan.id, 'Ongoing work', { targetDate: 'Ongoing' }),
      someoneElses: await action(plan.id, 'Someone else’s', { owners: ['Another Owner'] }),
      led: (await makeTheme(db, plan.id, { title: 'Focus area led', lead: ownerName })).id,
      ledAsked: (await makeTheme(db, alpha.id, { title: 'Focus area asked', lead: ownerName })).id,
    };
    await makeTheme(db, plan.id, { title: 'Focus area of another', lead: 'Another Owner' });
  });

  it('groups by what needs the person, each item once, and sorts each group by date then plan', async () => {
    const items = await loadMyWork(current().kysely, user.ownerId!, 'all', today);
    const requested = new Map([
      [`action:${ids.askedAndOverdue}`, { deadline: addDays(today, 5), meeting: 'Board, 1 March' }],
      [`theme:${ids.ledAsked}`, { deadline: addDays(today, 3), meeting: 'Board, 1 March' }],
      [`action:${ids.cancelledAsked}`, { deadline: addDays(today, 1), meeting: 'Board, 1 March' }],
    ]);
    const groups = groupMyWork(
      items.map((item) => ({ ...item, mayPost: true })),
      requested,
      today,
    );
    expect(titles(groups)).toEqual({
      requested: ['Focus area asked', 'Asked and overdue'],
      overdue: ['Long overdue', 'Alpha overdue', 'Just overdue'],
      'due-soon': ['Moved to next week', 'Due soon'],
      'everything-else': [
        'Done long ago',
        'Due later',
        'Cancelled but asked',
        'Focus area led',
        'Ongoing work',
      ],
    });
    const asked = groups[0]!.items[1]!;
    expect(asked.request).toEqual({ deadline: addDays(today, 5), meeting: 'Board, 1 March' });
    expect(asked.overdue).toBe(true);
    const moved = groups[2]!.items[0]!;
    expect(moved.target).toMatchObject({ text: inDays(7), kind: 'date', end: addDays(today, 7) });
    expect(groups[3]!.items.find((item) => item.title === 'Done long ago')?.overdue).toBe(false);
  });

  it('leaves out empty groups, and without requests nothing is in "Update requested"', async () => {
    const items = await loadMyWork(current().kysely, user.ownerId!, 'all', today);
    const groups = groupMyWork(
      items
        .filter((item) => item.title === 'Due later' || item.title === 'Asked and overdue')
        .map((item) => ({ ...item, mayPost: true })),
      new Map(),
      today,
    );
    expect(groups.map((group) => group.id)).toEqual(['overdue', 'everything-else']);
  });

  it('gives each item its newest update, by its date then when posted, and says whether one was posted today', async () => {
    const db = current();
    await makeUpdate(
      db,
      plan.id,
      { actionId: ids.dueLater },
      {
        body: '<p>Surveyed the <strong>teams</strong></p><p>More to come</p>',
        effectiveOn: addDays(today, -3),
      },
    );
    const older = await makeUpdate(
      db,
      plan.id,
      { actionId: ids.dueSoon },
      { body: 'Started', effectiveOn: '2024-01-05' },
    );
    await makeUpdate(
      db,
      plan.id,
      { actionId: ids.dueSoon },
      { body: 'Earlier news', effectiveOn: '2023-12-01' },
    );
    // Posted yesterday, as far as the clock goes: a fixture, not a change anyone could make.
    await db.kysely
      .updateTable('updates')
      .set({ created_at: new Date(Date.now() - 3 * 86_400_000).toISOString() })
      .where('action_id', '=', ids.dueSoon)
      .execute();
    const items = await loadMyWork(db.kysely, user.ownerId!, 'all', today);
    const item = (id: string) => items.find((one) => one.id === id)!;
    expect(item(ids.dueLater).lastUpdate).toEqual({
      effectiveOn: addDays(today, -3),
      firstLine: 'Surveyed the teams',
    });
    expect(item(ids.dueLater).postedToday).toBe(true);
    expect(item(ids.dueSoon).lastUpdate).toEqual({ effectiveOn: older.effective_on, firstLine: 'Started' });
    expect(item(ids.dueSoon).postedToday).toBe(false);
    expect(item(ids.ongoing).lastUpdate).toBeNull();
    expect(item(ids.ongoing).postedToday).toBe(false);
  });

  it('never shows an item of a plan the reader may not read, nor anyone else’s', async () => {
    const db = current();
    const onlyAlpha = await loadMyWork(
      db.kysely,
      user.ownerId!,
      new Set([
        (
          await db.kysely
            .selectFrom('themes')
            .select('plan_id')
            .where('id', '=', ids.ledAsked)
            .executeTakeFirstOrThrow()
        ).plan_id,
      ]),
      today,
    );
    expect(onlyAlpha.map((item) => item.title).sort()).toEqual(['Alpha overdue', 'Focus area asked']);
    expect(await loadMyWork(db.kysely, user.ownerId!, new Set(), today)).toEqual([]);
    const all = await loadMyWork(db.kysely, user.ownerId!, 'all', today);
    expect(all.map((item) => item.title)).not.toContain('Someone else’s');
    expect(all.map((item) => item.title)).not.toContain('Focus area of another');
  });

  it('offers posting only where the person may post: not in a plan where they were made a viewer', async () => {
    const db = current();
    const before = await myWorkOf(db, user, today);
    expect(before.flatMap((group) => group.items).every((item) => item.mayPost)).toBe(true);
    await inTransaction(db, (trx) => setPlanRole(trx, testActor, plan.id, user.id, 'viewer'));
    const after = (await myWorkOf(db, user, today)).flatMap((group) => group.items);
    expect(
      after
        .filter((item) => item.mayPost)
        .map((item) => item.title)
        .sort(),
    ).toEqual(['Alpha overdue', 'Focus area asked']);
    await inTransaction(db, (trx) => setPlanRole(trx, testActor, plan.id, user.id, 'contributor'));
  });

  it('puts first what an open update request asks of the person, until they have answered', async () => {
    const db = current();
    const alpha = await db.kysely
      .selectFrom('plans')
      .selectAll()
      .where('title', '=', `Alpha plan ${made}`)
      .executeTakeFirstOrThrow();
    await inTransaction(db, (trx) =>
      startRound(trx, testActor, readConfig({}, {}), alpha, {
        meetingName: 'Culture board',
        meetingOn: addDays(today, 20),
        deadline: addDays(today, 10),
        items: [`action:${ids.alphaOverdue}`],
      }),
    );
    const requested = (await myWorkOf(db, user, today)).find((group) => group.id === 'requested');
    expect(requested?.items.map((item) => item.title)).toEqual(['Alpha overdue']);
    await makeUpdate(db, alpha.id, { actionId: ids.alphaOverdue! }, { body: 'Answered' });
    const after = await myWorkOf(db, user, today);
    expect(after.find((group) => group.id === 'requested')).toBeUndefined();
  });

  it('has nothing for a user linked to no owner', async () => {
    expect(await myWorkOf(current(), { ...user, ownerId: null }, today)).toEqual([]);
  });
});

it('takes the first line of an update as plain text, shortened when long', () => {
  expect(firstLine('<p>One &amp; two</p><ul><li>three</li></ul>')).toBe('One & two');
  expect(firstLine(`<p>${'word '.repeat(100)}</p>`)).toHaveLength(200);
});
