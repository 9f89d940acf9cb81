import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase, type Db, type DialectName } from '../db/connection.js';
import { migrateToLatest } from '../db/migrations.js';
import { inTransaction } from '../db/transaction.js';
import { recurringJobs } from '../jobs/recurringJobs.js';
import { jobHandlers } from '../jobs/jobHandlers.js';
import { setMailPreferences } from '../people/userCommands.js';
import { describeEachDatabase, openTestDatabase } from '../testing/databases.js';
import { makeAction, makePlan, makeTheme, testActor } from '../testing/factories.js';
import { jobContext, queuedEmails, testPublicUrl, userForOwner } from '../testing/mailJobs.js';
import { findUnsubscribeLink } from './unsubscribeLinks.js';
import { digestJobKind, isoWeek, nextDigestTime, sendWeeklyDigests } from './weeklyDigest.js';

describe('When the weekly digest goes', () => {
  it('is Monday at 07:00 in London: 07:00 UTC in winter, 06:00 UTC in summer', () => {
    expect(nextDigestTime(new Date('2026-12-02T10:00:00Z')).toISOString()).toBe('2026-12-07T07:00:00.000Z');
    expect(nextDigestTime(new Date('2026-07-01T10:00:00Z')).toISOString()).toBe('2026-07-06T06:00:00.000Z');
    // Strictly after: the occurrence itself leads to the next week's.
    expect(nextDigestTime(new Date('2026-12-07T07:00:00Z')).toISOString()).toBe('2026-12-14T07:00:00.000Z');
    expect(nextDigestTime(new Date('2026-12-07T06:59:59Z')).toISOString()).toBe('2026-12-07T07:00:00.000Z');
  });

  it('moves with the clocks on the Monday after the last Sunday of October', () => {
    // Clocks go back at 02:00 BST on Sunday 25 October 2026.
    expect(nextDigestTime(new Date('2026-10-19T06:00:00Z')).toISOString()).toBe('2026-10-26T07:00:00.000Z');
    expect(nextDigestTime(new Date('2026-10-25T00:30:00Z')).toISOString()).toBe('2026-10-26T07:00:00.000Z');
    expect(nextDigestTime(new Date('2026-10-12T12:00:00Z')).toISOString()).toBe('2026-10-19T06:00:00.000Z');
  });

  it('moves with the clocks on the Monday after the last Sunday of March', () => {
    // Clocks go forward at 01:00 GMT on Sunday 28 March 2027.
    expect(nextDigestTime(new Date('2027-03-22T07:00:00Z')).toISOString()).toBe('2027-03-29T06:00:00.000Z');
    expect(nextDigestTime(new Date('2027-03-28T01:30:00Z')).toISOString()).toBe('2027-03-29T06:00:00.000Z');
    expect(nextDigestTime(new Date('2027-03-15T12:00:00Z')).toISOString()).toBe('2027-03-22T07:00:00.000Z');
  });

  it('is a recurring job with a handler, named by the ISO week it falls in', () => {
    expect(recurringJobs.map((job) => job.kind)).toContain(digestJobKind);
    expect(jobHandlers[digestJobKind]).toBeTypeOf('function');
    expect(isoWeek('2026-12-07')).toBe('2026-W50');
    expect(isoWeek('2026-12-06')).toBe('2026-W49');
    expect(isoWeek('2027-01-01')).toBe('2026-W53');
    expect(isoWeek('2024-12-30')).toBe('2025-W01');
    expect(isoWeek('2027-01-04')).toBe('2027-W01');
  });
});

const monday = new Date('2026-12-07T07:00:00Z');
let counter = 0;

/** An owner with a user, items overdue, due soon and not due in two plans of different markings, and some not theirs. */
async function ownerWithItems(db: Db) {
  const n = `${++counter}-${Date.now().toString(36)}`;
  const owner = `Olive Owner ${n}`;
  const official = await makePlan(db, { title: `Wellbeing plan ${n}`, marking: 'OFFICIAL' });
  const sensitive = await makePlan(db, { title: `Culture plan ${n}`, marking: 'OFFICIAL-SENSITIVE' });
  const overdue = await makeAction(db, official.id, {
    ref: '1.1',
    title: 'Run listening sessions',
    owners: [owner],
    targetDate: 'end of Nov 26',
  });
  const soon = await makeAction(db, sensitive.id, {
    ref: '2.3',
    title: 'Publish the new values',
    owners: [owner, 'Corp Comms'],
    targetDate: '14/12/26',
  });
  const theme = await makeTheme(db, official.id, { title: 'Vision clarity', lead: owner });
  const led = await makeAction(db, official.id, {
    ref: '3.1',
    title: 'Brief every team',
    owners: [`Someone Else ${n}`],
    themeId: theme.id,
    targetDate: '10/12/26',
  });
  await makeAction(db, official.id, { title: 'Later work', owners: [owner], targetDate: 'March 2027' });
  await makeAction(db, official.id, {
    title: 'Finished work',
    owners: [owner],
    targetDate: 'October 2026',
    status: 'complete',
  });
  await makeAction(db, official.id, { title: 'Ongoing work', owners: [owner], targetDate: 'Ongoing' });
  await makeAction(db, official.id, {
    title: 'Not theirs',
    owners: [`Someone Else ${n}`],
    targetDate: '1/12/26',
  });
  const user = await userForOwner(db, owner);
  return { user, owner, official, sensitive, overdue, soon, led };
}

describeEachDatabase('The weekly digest', (current) => {
  it('lists overdue and due-soon actions in groups, with plan, date as written and links, under both markings', async () => {
    const db = current();
    const { user, official, sensitive, overdue, soon, led } = await ownerWithItems(db);
    await sendWeeklyDigests(jobContext(db, monday));
    const [message, ...more] = await queuedEmails(db, [user.email]);
    expect(more).toEqual([]);
    expect(message!.uniqueKey).toBe(`digest:${user.id}:2026-W50`);
    expect(message!.subject).toBe(
      '[OFFICIAL / OFFICIAL-SENSITIVE] Your actions: 1 overdue, 2 due by 21 December 2026',
    );
    const text = message!.text;
    expect(text.split('\n')[0]).toBe('OFFICIAL / OFFICIAL-SENSITIVE');
    const overdueAt = text.indexOf('Overdue\n-------');
    const soonAt = text.indexOf('Due in the next 14 days\n');
    expect(overdueAt).toBeGreaterThan(0);
    expect(soonAt).toBeGreaterThan(overdueAt);
    const overdueGroup = text.slice(overdueAt, soonAt);
    const soonGroup = text.slice(soonAt);
    expect(overdueGroup).toContain(
      `- 1.1 Run listening sessions (${official.title}; target date end of Nov 26 (by 30 November 2026))`,
    );
    expect(overdueGroup).toContain(`${testPublicUrl}/plans/${official.slug}/actions/${overdue.id}`);
    // Soonest first, across plans; the focus area's action is there because they lead it.
    expect(soonGroup.indexOf('3.1 Brief every team')).toBeLessThan(
      soonGroup.indexOf('2.3 Publish the new values'),
    );
    expect(soonGroup).toContain(
      `- 3.1 Brief every team (${official.title}; target date 10/12/26 (by 10 December 2026); in Vision clarity, the focus area you lead)`,
    );
    expect(soonGroup).toContain(`${testPublicUrl}/plans/${official.slug}/actions/${led.id}`);
    expect(soonGroup).toContain(`${testPublicUrl}/plans/${sensitive.slug}/actions/${soon.id}`);
    for (const absent of ['Later work', 'Finished work', 'Ongoing work', 'Not theirs'])
      expect(text).not.toContain(absent);
    expect(message!.html).toContain('<h2 style="font-size:19px;margin:24px 0 8px">Overdue</h2>');

    const unsubscribe = message!.unsubscribeUrl!;
    expect(unsubscribe.startsWith(`${testPublicUrl}/unsubscribe/`)).toBe(true);
    expect(text).toContain(unsubscribe);
    const link = await findUnsubscribeLink(db.kysely, unsubscribe.split('/').pop()!);
    expect(link).toMatchObject({ topic: 'digest', on: true, user: { id: user.id } });
  });

  it('goes to nobody who chose none, and to nobody with nothing due', async () => {
    const db = current();
    const { user } = await ownerWithItems(db);
    await inTransaction(db, (trx) =>
      setMailPreferences(trx, testActor, user.id, user.version, { digest: 'none' }),
    );
    const plan = await makePlan(db);
    const idleOwner = `Idle Owner ${++counter}`;
    await makeAction(db, plan.id, { owners: [idleOwner], targetDate: 'March 2027' });
    const idle = await userForOwner(db, idleOwner);
    await sendWeeklyDigests(jobContext(db, monday));
    expect(await queuedEmails(db, [user.email, idle.email])).toEqual([]);
  });

  it('is queued once a week however often the job runs that week, and again the next week', async () => {
    const db = current();
    const { user } = await ownerWithItems(db);
    await sendWeeklyDigests(jobContext(db, monday));
    await sendWeeklyDigests(jobContext(db, monday));
    await sendWeeklyDigests(jobContext(db, new Date('2026-12-09T15:00:00Z')));
    expect((await queuedEmails(db, [user.email])).map((message) => message.uniqueKey)).toEqual([
      `digest:${user.id}:2026-W50`,
    ]);
    await sendWeeklyDigests(jobContext(db, new Date('2026-12-14T07:00:00Z')));
    expect((await queuedEmails(db, [user.email])).map((message) => message.uniqueKey)).toEqual([
      `digest:${user.id}:2026-W50`,
      `digest:${user.id}:2026-W51`,
    ]);
  });
});

/** Two connections to one database, as two processes of Headway have. */
async function twoProcesses(dialect: DialectName): Promise<{ one: Db; two: Db; close(): Promise<void> }> {
  if (dialect === 'sqlite') {
    const folder = mkdtempSync(join(tmpdir(), 'headway-digest-'));
    const file = join(folder, 'headway.db');
    const one = openDatabase(file);
    await migrateToLatest(one);
    const two = openDatabase(file);
    return {
      one,
      two,
      async close() {
        await one.close();
        await two.close();
        rmSync(folder, { recursive: true, force: true });
      },
    };
  }
  const test = await openTestDatabase('postgres');
  const two = openDatabase(test.url);
  return {
    one: test.db,
    two,
    async close() {
      await two.close();
      await test.close();
    },
  };
}

describeEachDatabase('The weekly digest in two processes', (_current, dialect) => {
  it('is queued once per person when two processes run the weekly job', async () => {
    const { one, two, close } = await twoProcesses(dialect);
    try {
      const first = await ownerWithItems(one);
      const second = await ownerWithItems(one);
      // SQLite's connections are synchronous: two in one test process cannot wait for each other's lock, so there
      // the two processes take turns (Headway runs one writer on SQLite); PostgreSQL's run at the same moment.
      const together = (runs: (() => Promise<void>)[]) =>
        dialect === 'postgres'
          ? Promise.all(runs.map((run) => run()))
          : runs.reduce((done, run) => done.then(run), Promise.resolve());
      await together([
        () => sendWeeklyDigests(jobContext(one, monday)),
        () => sendWeeklyDigests(jobContext(two, monday)),
      ]);
      await together([
        () => sendWeeklyDigests(jobContext(two, monday)),
        () => sendWeeklyDigests(jobContext(one, monday)),
      ]);
      const keys = (await queuedEmails(one)).map((message) => message.uniqueKey).sort();
      expect(keys).toEqual([`digest:${first.user.id}:2026-W50`, `digest:${second.user.id}:2026-W50`].sort());
    } finally {
      await close();
    }
  });
});
