// The owners' loop in Chromium, on both databases: a manager requests updates, the owner answers through the link in
// the e-mail on a phone, the round shows it, the reminder goes only to the owner who has not answered, and closing
// drafts the report with the new update. The server's own worker sends the e-mails to a real SMTP server on loopback,
// and the test reads them there, as each person's mailbox would receive them, and follows the link in them.
import { expect, it } from 'vitest';
import { addDays } from '../src/dates/targetDate.js';
import { londonDate } from '../src/dates/ukDate.js';
import type { Db } from '../src/db/connection.js';
import { inTransaction } from '../src/db/transaction.js';
import { queueDueReminders } from '../src/rounds/roundCommands.js';
import { browserAvailable, startBrowserApp } from '../src/testing/browser.js';
import { describeEachDatabase } from '../src/testing/databases.js';
import { makeRoundPlan } from '../src/testing/rounds.js';
import { startTestSmtpServer, type TestSmtpServer } from '../src/testing/smtpServer.js';

/** The messages the SMTP server has accepted for one address, once there are `count` of them. */
async function mailbox(smtp: TestSmtpServer, address: string, count: number) {
  const to = () => smtp.received.filter((message) => message.recipients.includes(address));
  for (let i = 0; i < 300 && to().length < count; i++)
    await new Promise((resolve) => setTimeout(resolve, 100));
  return to().map(({ parsed }) => ({ subject: parsed.subject ?? '', text: parsed.text ?? '' }));
}

/** Waits until the worker has sent everything queued, so that what has not arrived was not sent. */
async function outboxEmpty(db: Db) {
  for (let i = 0; i < 300; i++) {
    const waiting = await db.kysely
      .selectFrom('jobs')
      .select('id')
      .where('kind', '=', 'email')
      .where('state', '!=', 'done')
      .execute();
    if (waiting.length === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('The worker did not send every queued message');
}

describeEachDatabase('the update request loop in Chromium', (current) => {
  it.runIf(browserAvailable())(
    'starts a round, takes the owner’s update through their link at 320 px, reminds only the other owner, and drafts the report',
    async () => {
      const db = current();
      const fixture = await makeRoundPlan(db, 'Lighthouse');
      const smtp = await startTestSmtpServer();
      const app = await startBrowserApp(db, {
        mail: { smtpUrl: smtp.url, from: 'Headway <headway@example.org>' },
        jobs: { runInServer: true, pollMs: 100, leaseSeconds: 300, retrySeconds: 1 },
      });
      try {
        const manager = await app.newPage({ viewport: { width: 1280, height: 900 } });
        await manager.goto(`${app.url}/plans/${fixture.plan.slug}`);
        await manager.getByRole('link', { name: 'Update requests' }).click();
        await manager.getByRole('button', { name: 'Request updates' }).click();
        await manager.getByLabel('Board or meeting').fill('Fire Authority board');
        const fill = async (legend: string, iso: string) => {
          const [year, month, day] = iso.split('-');
          const group = manager.getByRole('group', { name: legend });
          await group.getByLabel('Day').fill(String(Number(day)));
          await group.getByLabel('Month').fill(String(Number(month)));
          await group.getByLabel('Year').fill(year!);
        };
        const deadline = addDays(londonDate(), 7);
        await fill('Date of the board or meeting', addDays(londonDate(), 9));
        await fill('Deadline for updates', deadline);
        // Ask Ash about one action and Bo about theirs.
        for (const box of await manager.locator('input[name="items"]').all()) await box.uncheck();
        await manager.locator(`input[value="action:${fixture.ashActionId}"]`).check();
        await manager.locator(`input[value="action:${fixture.boActionId}"]`).check();
        await manager.getByRole('button', { name: 'Send the requests' }).click();
        await expect
          .poll(() => manager.locator('[data-round-counts]').textContent())
          .toContain('0 of 2 items updated');
        const roundUrl = manager.url().split('?')[0]!;

        // Ash's request, as the SMTP server received it: marked, with their personal link to where Headway listens.
        const [request] = await mailbox(smtp, fixture.ash.email, 1);
        expect(request!.subject).toContain('[OFFICIAL-SENSITIVE]');
        const link = new RegExp(`${app.url}/respond/[A-Za-z0-9_-]+`).exec(request!.text)?.[0];
        expect(link, request!.text).toBeDefined();
        const owner = await app.newPage({ cookie: 'signed-out=none', viewport: { width: 320, height: 640 } });
        await owner.goto(link!);
        await owner.getByRole('link', { name: /Post an update/ }).click();
        await owner.getByLabel('Update', { exact: true }).fill('Policy agreed by the working group');
        await owner.getByLabel('Change status to').selectOption('complete');
        await owner.getByRole('button', { name: 'Post update' }).click();
        await expect
          .poll(() => owner.locator('.govuk-notification-banner').textContent())
          .toContain('Update posted on Lighthouse first action');
        expect(await owner.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(320);

        await manager.goto(roundUrl);
        await expect
          .poll(() => manager.locator('[data-round-counts]').textContent())
          .toContain('1 of 2 items updated');
        expect(
          await manager.locator(`[data-item="action:${fixture.ashActionId}"]`).getAttribute('data-updated'),
        ).toBe('yes');

        // Three days before the deadline the reminder goes to Bo, who has not updated, and not to Ash.
        await inTransaction(db, (trx) =>
          queueDueReminders(
            trx,
            { publicUrl: undefined, host: '127.0.0.1', port: Number(new URL(app.url).port) },
            new Date(`${addDays(deadline, -3)}T12:00:00Z`),
          ),
        );
        expect((await mailbox(smtp, fixture.bo.email, 2)).map((m) => m.subject)).toEqual([
          expect.stringContaining('Updates requested'),
          expect.stringContaining('Reminder'),
        ]);
        await outboxEmpty(db);
        expect(await mailbox(smtp, fixture.ash.email, 1)).toHaveLength(1);

        await manager.getByRole('link', { name: 'Close this request' }).click();
        await manager.getByRole('button', { name: 'Yes, close the request' }).click();
        await manager.getByRole('button', { name: 'Draft the highlight report for this period' }).click();
        await expect
          .poll(() => manager.locator('main').textContent())
          .toContain('Policy agreed by the working group');
        await owner.goto(link!);
        await expect
          .poll(() => owner.locator('h1').textContent())
          .toContain('This link has expired or is not valid');
      } finally {
        await app.close();
        await smtp.close();
      }
    },
    180_000,
  );
});
