import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { mailSetUpForPages as mail } from '../testing/mailJobs.js';
import type { Db } from '../db/connection.js';
import { inTransaction } from '../db/transaction.js';
import { queueEmail } from '../mail/emailMessage.js';
import { describeEachDatabase } from '../testing/databases.js';
import { makePlan } from '../testing/factories.js';
import { formPost } from '../testing/people.js';
import { buildTestApp, type TestApp } from '../testing/testApp.js';
import { enqueueJob } from './enqueueJob.js';
import { claimJobs, markDone, markFailed } from './worker.js';

function rows(body: string): string[] {
  return [...body.matchAll(/<tr class="govuk-table__row" data-message="[^"]+">([\s\S]*?)<\/tr>/g)].map((m) =>
    m[1]!
      .replace(/<[^>]+>/g, ' ')
      .replace(/\s+/g, ' ')
      .trim(),
  );
}

/** Three messages, one of each outcome: sent, failed with the server's words, and still waiting. */
async function threeMessages(db: Db, planId: string) {
  // Queued a minute apart, so that newest first is one order.
  const queue = (to: string, subject: string, minute: number) =>
    inTransaction(db, async (trx) => {
      const at = `2026-12-02T09:0${minute}:00.000Z`;
      const id = await queueEmail(
        trx,
        { to, subject, marking: 'OFFICIAL', paragraphs: ['Hello'] },
        { planId, runAt: at },
      );
      await trx.updateTable('jobs').set({ created_at: at }).where('id', '=', id).execute();
      return id;
    });
  const sent = await queue('sent@example.org', 'Sent one', 0);
  const failed = await queue('refused@example.org', 'Refused one', 1);
  const claimed = await claimJobs(db, {
    workerId: 'test',
    now: new Date('2026-12-02T09:05:00.000Z'),
    leaseSeconds: 60,
    limit: 2,
  });
  const now = new Date('2026-12-02T09:06:00.000Z');
  await markDone(
    db,
    claimed.find((job) => job.id === sent)!,
    now,
  );
  await markFailed(
    db,
    claimed.find((job) => job.id === failed)!,
    '550 5.1.1 No such mailbox',
    {
      now,
      retrySeconds: 30,
      permanent: true,
    },
  );
  const waiting = await queue('waiting@example.org', 'Waiting one', 2);
  return { sent, failed, waiting };
}

describeEachDatabase('The outbox', (current) => {
  let app: TestApp;
  let unset: TestApp;
  let ids: { sent: string; failed: string; waiting: string };
  beforeAll(async () => {
    app = await buildTestApp(current(), { config: { mail } });
    unset = await buildTestApp(current());
  });
  afterAll(async () => {
    await app.close();
    await unset.close();
  });
  beforeEach(async () => {
    await current().kysely.deleteFrom('jobs').execute();
    const plan = await makePlan(current(), { title: 'Culture plan' });
    ids = await threeMessages(current(), plan.id);
  });

  it('lists messages newest first with recipient, subject, plan, state, the server’s reason and tries', async () => {
    const res = await app.inject('/admin/outbox');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('href="/admin/outbox"');
    const shown = rows(res.body);
    expect(shown).toHaveLength(3);
    expect(shown[0]).toMatch(/^waiting@example\.org \[OFFICIAL\] Waiting one Culture plan Queued 0 of 5/);
    expect(shown[1]).toMatch(
      /^refused@example\.org \[OFFICIAL\] Refused one Culture plan Failed 550 5\.1\.1 No such mailbox Retry the message to refused@example\.org 1 of 5 Queued 2 December 2026, 09:01 Failed 2 December 2026, 09:06$/,
    );
    expect(shown[2]).toMatch(
      /Sent one Culture plan Sent 1 of 5 Queued 2 December 2026, 09:00 Sent 2 December 2026, 09:06$/,
    );
    expect(res.body).not.toContain('data-mail-not-set-up');
  });

  it('filters by state', async () => {
    const failed = rows((await app.inject('/admin/outbox?state=failed')).body);
    expect(failed.map((row) => row.split(' ')[0])).toEqual(['refused@example.org']);
    const waiting = rows((await app.inject('/admin/outbox?state=waiting')).body);
    expect(waiting.map((row) => row.split(' ')[0])).toEqual(['waiting@example.org']);
    const sent = await app.inject('/admin/outbox?state=sent');
    expect(rows(sent.body).map((row) => row.split(' ')[0])).toEqual(['sent@example.org']);
  });

  it('shows a page at a time, keeping the filter in its links', async () => {
    await inTransaction(current(), async (trx) => {
      for (let n = 0; n < 50; n++)
        await enqueueJob(trx, {
          kind: 'email',
          payload: { to: `bulk${n}@example.org`, subject: `Bulk ${n}`, text: '', html: '' },
        });
    });
    const first = await app.inject('/admin/outbox?state=waiting');
    expect(rows(first.body)).toHaveLength(50);
    expect(first.body).toContain('href="/admin/outbox?state=waiting&amp;page=2"');
    expect(rows((await app.inject('/admin/outbox?state=waiting&page=2')).body)).toHaveLength(1);
  });

  it('queues a failed message again from its Retry button, and refuses to resend one that was sent', async () => {
    const retried = await app.inject(formPost(`/admin/outbox/${ids.failed}/retry`, { state: 'failed' }));
    expect(retried.statusCode).toBe(303);
    expect(retried.headers.location).toBe('/admin/outbox?state=failed&notice=message-retried');
    const job = await current()
      .kysely.selectFrom('jobs')
      .selectAll()
      .where('id', '=', ids.failed)
      .executeTakeFirstOrThrow();
    expect(job).toMatchObject({ state: 'queued', attempts: 0, finished_at: null });
    expect((await app.inject(String(retried.headers.location))).body).toContain(
      'Message queued to be sent again',
    );

    const refused = await app.inject(formPost(`/admin/outbox/${ids.sent}/retry`, { state: '' }));
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain('Only a message that failed can be tried again: this one is already sent');
    const sent = await current()
      .kysely.selectFrom('jobs')
      .selectAll()
      .where('id', '=', ids.sent)
      .executeTakeFirstOrThrow();
    expect(sent.state).toBe('done');
    expect((await app.inject(formPost('/admin/outbox/no-such-job/retry', {}))).statusCode).toBe(404);
  });

  it('says e-mail is not set up, and shows waiting messages as not sent for that reason', async () => {
    const res = await unset.inject('/admin/outbox');
    expect(res.body).toContain('data-mail-not-set-up');
    expect(res.body).toContain('E-mail is not set up');
    expect(rows(res.body)[0]).toContain('Not sent: e-mail is not set up');
  });
});
