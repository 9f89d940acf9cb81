// The owners' loop in Chromium, on both databases: a manager requests updates, the owner answers through the link in
// the e-mail on a phone, the round shows it, the reminder goes only to the owner who has not answered, and closing
// drafts the report with the new update. The e-mails are read from the queued jobs, as the worker would send them.
import { expect, it } from 'vitest';
import { addDays } from '../src/dates/targetDate.js';
import { londonDate } from '../src/dates/ukDate.js';
import { inTransaction } from '../src/db/transaction.js';
import { queueDueReminders } from '../src/rounds/roundCommands.js';
import { browserAvailable, startBrowserApp } from '../src/testing/browser.js';
import { describeEachDatabase } from '../src/testing/databases.js';
import { linkSecretIn, makeRoundPlan, queuedEmailsTo } from '../src/testing/rounds.js';

describeEachDatabase('the update request loop in Chromium', (current) => {
  it.runIf(browserAvailable())(
    'starts a round, takes the owner’s update through their link at 320 px, reminds only the other owner, and drafts the report',
    async () => {
      const db = current();
      const fixture = await makeRoundPlan(db, 'Lighthouse');
      const app = await startBrowserApp(db);
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

        // Ash's request, as the SMTP server would receive it: marked, with their link.
        const [request] = await queuedEmailsTo(db, fixture.ash.email);
        expect(request!.subject).toContain('[OFFICIAL-SENSITIVE]');
        const secret = linkSecretIn(request!.text)!;
        const owner = await app.newPage({ cookie: 'signed-out=none', viewport: { width: 320, height: 640 } });
        await owner.goto(`${app.url}/respond/${secret}`);
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
            { publicUrl: undefined, port: 3000 },
            new Date(`${addDays(deadline, -3)}T12:00:00Z`),
          ),
        );
        expect((await queuedEmailsTo(db, fixture.bo.email)).map((m) => m.subject)).toEqual([
          expect.stringContaining('Updates requested'),
          expect.stringContaining('Reminder'),
        ]);
        expect(await queuedEmailsTo(db, fixture.ash.email)).toHaveLength(1);

        await manager.getByRole('link', { name: 'Close this request' }).click();
        await manager.getByRole('button', { name: 'Yes, close the request' }).click();
        await manager.getByRole('button', { name: 'Draft the highlight report for this period' }).click();
        await expect
          .poll(() => manager.locator('main').textContent())
          .toContain('Policy agreed by the working group');
        await owner.goto(`${app.url}/respond/${secret}`);
        await expect
          .poll(() => owner.locator('h1').textContent())
          .toContain('This link has expired or is not valid');
      } finally {
        await app.close();
      }
    },
    180_000,
  );
});
