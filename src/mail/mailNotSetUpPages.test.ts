// Every page that would send e-mail says so when HEADWAY_SMTP_URL and HEADWAY_MAIL_FROM are not set, and says
// nothing of it when they are: starting a request, the request's page (its nudges), the personal links setting and
// the e-mail settings on "Your account".
import { afterAll, beforeAll, expect, it } from 'vitest';
import { mailSetUpForPages as mail } from '../testing/mailJobs.js';
import { addDays } from '../dates/targetDate.js';
import { londonDate } from '../dates/ukDate.js';
import { inTransaction } from '../db/transaction.js';
import { startRound } from '../rounds/roundCommands.js';
import { describeEachDatabase } from '../testing/databases.js';
import { testActor } from '../testing/factories.js';
import { makeRoundPlan } from '../testing/rounds.js';
import { buildTestApp, type TestApp } from '../testing/testApp.js';

describeEachDatabase('pages that would send e-mail', (current) => {
  let setUp: TestApp;
  let notSetUp: TestApp;
  let pages: string[];
  beforeAll(async () => {
    setUp = await buildTestApp(current(), { config: { mail } });
    notSetUp = await buildTestApp(current());
    const fixture = await makeRoundPlan(current(), 'Quayside');
    const round = await inTransaction(current(), (trx) =>
      startRound(trx, testActor, { publicUrl: undefined, port: 3000 }, fixture.plan, {
        meetingName: 'Fire Authority board',
        meetingOn: addDays(londonDate(), 9),
        deadline: addDays(londonDate(), 7),
      }),
    );
    pages = [
      `/plans/${fixture.plan.slug}/rounds/new`,
      `/plans/${fixture.plan.slug}/rounds/${round.id}`,
      '/admin/personal-links',
      '/account',
    ];
  });
  afterAll(async () => {
    await setUp.close();
    await notSetUp.close();
  });

  it('say that e-mail is not set up, and why, while it is not', async () => {
    for (const page of pages) {
      const res = await notSetUp.inject(page);
      expect(res.statusCode, page).toBe(200);
      expect(res.body, page).toContain('data-mail-not-set-up');
      expect(res.body, page).toContain('E-mail is not set up');
    }
  });

  it('say nothing of it once e-mail is set up', async () => {
    for (const page of pages) {
      const res = await setUp.inject(page);
      expect(res.statusCode, page).toBe(200);
      expect(res.body, page).not.toContain('data-mail-not-set-up');
    }
  });
});
