import { expect, it } from 'vitest';
import { findAction, updateAction } from '../actions/actionCommands.js';
import type { Db } from '../db/connection.js';
import { inTransaction } from '../db/transaction.js';
import type { Actor } from '../history/recordChange.js';
import { jobHandlers } from '../jobs/jobHandlers.js';
import { setMailPreferences, setPlanRole } from '../people/userCommands.js';
import { findTheme, updateTheme } from '../themes/themeCommands.js';
import { postUpdate } from '../updates/updateCommands.js';
import { describeEachDatabase } from '../testing/databases.js';
import { makeAction, makePlan, makeTheme, testActor } from '../testing/factories.js';
import { jobContext, queuedEmails, testPublicUrl, userForOwner } from '../testing/mailJobs.js';
import { makeUser } from '../testing/people.js';
import { findUnsubscribeLink } from './unsubscribeLinks.js';
import { changeNoticeJobKind } from './changeNotices.js';

/** Runs the change-notice jobs queued so far, as the worker would, and marks them done. */
async function runNoticeJobs(db: Db): Promise<number> {
  const jobs = await db.kysely
    .selectFrom('jobs')
    .selectAll()
    .where('kind', '=', changeNoticeJobKind)
    .where('state', '=', 'queued')
    .orderBy('created_at')
    .execute();
  for (const job of jobs) {
    await jobHandlers[changeNoticeJobKind]!(
      { ...jobContext(db, new Date()), job: { id: job.id, attempts: 1 } },
      JSON.parse(job.payload_json),
    );
    await db.kysely.updateTable('jobs').set({ state: 'done' }).where('id', '=', job.id).execute();
  }
  return jobs.length;
}

let counter = 0;

async function ownedAction(db: Db, input: { owners?: string[]; marking?: string } = {}) {
  const n = `${++counter}-${Date.now().toString(36)}`;
  const owner = `Owen Owner ${n}`;
  const plan = await makePlan(db, { title: `Notice plan ${n}`, marking: input.marking ?? 'OFFICIAL' });
  const action = await makeAction(db, plan.id, {
    ref: '4.2',
    title: 'Train the line managers',
    owners: input.owners ?? [owner],
    targetDate: 'end of sept 21',
  });
  const user = await userForOwner(db, owner);
  return { n, owner, plan, action, user };
}

describeEachDatabase('Telling people of changes to their items', (current) => {
  it('tells the owner’s user what changed, before and after, by whom, with a link, in the same transaction', async () => {
    const db = current();
    const { plan, action, user } = await ownedAction(db);
    const manager = await makeUser(db, { name: 'Mina Manager' });
    const actor: Actor = { name: manager.name, userId: manager.id };
    await inTransaction(db, (trx) =>
      updateAction(trx, actor, plan.id, action.id, action.version, {
        status: 'in_progress',
        targetDate: 'March 2022',
      }),
    );
    // A change that fails takes its notice with it.
    await expect(
      inTransaction(db, async (trx) => {
        const now = await findAction(trx, plan.id, action.id);
        await updateAction(trx, actor, plan.id, action.id, now.version, { status: 'complete' });
        throw new Error('the save failed');
      }),
    ).rejects.toThrow('the save failed');
    expect(await runNoticeJobs(db)).toBe(1);
    const [message, ...more] = await queuedEmails(db, [user.email]);
    expect(more).toEqual([]);
    expect(message!.subject).toBe('[OFFICIAL] Mina Manager changed the action “4.2 Train the line managers”');
    expect(message!.text).toContain(
      `Mina Manager changed the action “4.2 Train the line managers” in the plan “${plan.title}”:`,
    );
    expect(message!.text).toContain('Status: Not started → In progress');
    expect(message!.text).toContain('Target date: end of sept 21 → March 2022');
    expect(message!.text).not.toContain('Complete');
    expect(message!.text).toContain(
      `View the action: ${testPublicUrl}/plans/${plan.slug}/actions/${action.id}`,
    );
    expect(message!.planId).toBe(plan.id);
    const link = await findUnsubscribeLink(db.kysely, message!.unsubscribeUrl!.split('/').pop()!);
    expect(link).toMatchObject({ topic: 'changes', user: { id: user.id } });
  });

  it('does not tell the person who made the change, nor anyone of a change to something else', async () => {
    const db = current();
    const { plan, action, user } = await ownedAction(db);
    await inTransaction(db, (trx) =>
      updateAction(trx, { name: user.name, userId: user.id }, plan.id, action.id, action.version, {
        status: 'ongoing',
      }),
    );
    const now = await findAction(db.kysely, plan.id, action.id);
    await inTransaction(db, (trx) =>
      updateAction(trx, testActor, plan.id, action.id, now.version, { title: 'Train every line manager' }),
    );
    expect(await runNoticeJobs(db)).toBe(0);
    expect(await queuedEmails(db, [user.email])).toEqual([]);
  });

  it('does not tell someone who switched these e-mails off, even after the change was queued', async () => {
    const db = current();
    const { plan, action, user } = await ownedAction(db);
    await inTransaction(db, (trx) =>
      setMailPreferences(trx, testActor, user.id, user.version, { changeNotices: 'off' }),
    );
    await inTransaction(db, (trx) =>
      updateAction(trx, testActor, plan.id, action.id, action.version, { status: 'in_progress' }),
    );
    expect(await runNoticeJobs(db)).toBe(0);

    const second = await ownedAction(db);
    await inTransaction(db, (trx) =>
      updateAction(trx, testActor, second.plan.id, second.action.id, second.action.version, {
        status: 'in_progress',
      }),
    );
    await inTransaction(db, (trx) =>
      setMailPreferences(trx, testActor, second.user.id, second.user.version, { changeNotices: 'off' }),
    );
    expect(await runNoticeJobs(db)).toBe(1);
    expect(await queuedEmails(db, [user.email, second.user.email])).toEqual([]);
  });

  it('tells the owners before and after a change of owner, but not one who can no longer read the plan', async () => {
    const db = current();
    const { n, plan, action, user: leaving } = await ownedAction(db);
    const { owner: otherOwner, user: stayingMember } = await ownedAction(db);
    const incoming = `Ivy Incoming ${n}`;
    await makeAction(db, (await makePlan(db)).id, { owners: [incoming] });
    const arriving = await userForOwner(db, incoming);
    // The other owner's user is also a viewer of this plan, so is told when removed from the action.
    await inTransaction(db, (trx) => setPlanRole(trx, testActor, plan.id, stayingMember.id, 'viewer'));
    const withBoth = await inTransaction(db, (trx) =>
      updateAction(trx, { name: 'Import' }, plan.id, action.id, action.version, {
        owners: [incoming, otherOwner],
      }),
    );
    await inTransaction(db, (trx) =>
      updateAction(trx, testActor, plan.id, action.id, withBoth.version, { owners: [incoming] }),
    );
    expect(await runNoticeJobs(db)).toBe(2);
    // The first owner was removed by the first change and reads nothing of this plan any more.
    expect(await queuedEmails(db, [leaving.email])).toEqual([]);
    const toArriving = await queuedEmails(db, [arriving.email]);
    expect(toArriving.map((message) => message.text.match(/Owners: .*/)?.[0])).toEqual([
      `Owners: Owen Owner ${n} → Ivy Incoming ${n}, ${otherOwner}`,
      `Owners: Ivy Incoming ${n}, ${otherOwner} → Ivy Incoming ${n}`,
    ]);
    const toMember = await queuedEmails(db, [stayingMember.email]);
    expect(toMember.map((message) => message.text.match(/Owners: .*/)?.[0])).toEqual([
      `Owners: Owen Owner ${n} → Ivy Incoming ${n}, ${otherOwner}`,
      `Owners: Ivy Incoming ${n}, ${otherOwner} → Ivy Incoming ${n}`,
    ]);
  });

  it('tells of a status moved by an update someone else posts, and of a focus area’s status and lead', async () => {
    const db = current();
    const { n, owner, plan, action, user } = await ownedAction(db);
    const poster = await makeUser(db, { name: 'Pat Poster' });
    await inTransaction(db, (trx) =>
      postUpdate(
        trx,
        { name: poster.name, userId: poster.id },
        plan.id,
        { actionId: action.id },
        {
          body: 'Sessions booked',
          statusChange: 'in_progress',
        },
      ),
    );
    const theme = await makeTheme(db, plan.id, { title: `Vision clarity ${n}`, lead: owner });
    await inTransaction(db, (trx) =>
      updateTheme(
        trx,
        { name: 'Headway command line', source: 'command line' },
        plan.id,
        theme.id,
        theme.version,
        {
          status: 'in_progress',
        },
      ),
    );
    const now = await findTheme(db.kysely, plan.id, theme.id);
    await inTransaction(db, (trx) =>
      updateTheme(trx, testActor, plan.id, theme.id, now.version, { lead: 'Corp Comms' }),
    );
    expect(await runNoticeJobs(db)).toBe(3);
    const queued = await queuedEmails(db, [user.email]);
    // Queued within a millisecond or two of each other: each is taken by who made the change, not by its place.
    const by = (who: string) => queued.filter((message) => message.subject.startsWith(`[OFFICIAL] ${who} `));
    expect(queued).toHaveLength(3);
    const messages = [...by('Pat Poster'), ...by('Headway command line'), ...by('Test Manager')];
    expect(messages.slice(0, 2).map((message) => message.subject)).toEqual([
      '[OFFICIAL] Pat Poster changed the action “4.2 Train the line managers”',
      `[OFFICIAL] Headway command line (command line) changed the focus area “Vision clarity ${n}”`,
    ]);
    expect(messages[0]!.text).toContain('Status: Not started → In progress');
    expect(messages[1]!.text).toContain('Status: No status → In progress');
    expect(messages[1]!.text).toContain(
      `View the focus area: ${testPublicUrl}/plans/${plan.slug}/themes/${theme.id}`,
    );
    // No longer the lead, they still read the plan through the action they own, so they are told of that too.
    expect(messages[2]!.subject).toBe(`[OFFICIAL] Test Manager changed the focus area “Vision clarity ${n}”`);
    expect(messages[2]!.text).toContain(`Lead: ${owner} → Corp Comms`);
  });

  it('sends each person one e-mail per change however often the job is tried', async () => {
    const db = current();
    const { plan, action, user } = await ownedAction(db);
    await inTransaction(db, (trx) =>
      updateAction(trx, testActor, plan.id, action.id, action.version, { status: 'cancelled' }),
    );
    const job = await db.kysely
      .selectFrom('jobs')
      .selectAll()
      .where('kind', '=', changeNoticeJobKind)
      .where('state', '=', 'queued')
      .executeTakeFirstOrThrow();
    const context = { ...jobContext(db, new Date()), job: { id: job.id, attempts: 1 } };
    await jobHandlers[changeNoticeJobKind]!(context, JSON.parse(job.payload_json));
    await jobHandlers[changeNoticeJobKind]!(
      { ...context, job: { id: job.id, attempts: 2 } },
      JSON.parse(job.payload_json),
    );
    expect((await queuedEmails(db, [user.email])).length).toBe(1);
    const links = await db.kysely
      .selectFrom('unsubscribe_links')
      .select('user_id')
      .where('user_id', '=', user.id)
      .execute();
    expect(links.length).toBe(1);
  });
});
