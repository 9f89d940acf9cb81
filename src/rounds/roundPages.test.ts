import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { addDays } from '../dates/targetDate.js';
import { londonDate } from '../dates/ukDate.js';
import { inTransaction } from '../db/transaction.js';
import { describeEachDatabase } from '../testing/databases.js';
import { form } from '../testing/forms.js';
import { linkSecretIn, makeRoundPlan, queuedEmailsTo, type RoundPlan } from '../testing/rounds.js';
import { buildTestApp, type TestApp } from '../testing/testApp.js';
import { dateFieldValues } from '../web/dateFields.js';
import { linkLimits, setPersonalLinksAllowed } from './personalLinks.js';
import { testActor } from '../testing/factories.js';

const deadline = addDays(londonDate(), 7);
const meeting = addDays(londonDate(), 9);
const notValid = 'This link has expired or is not valid';

describeEachDatabase('update request pages', (current) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await buildTestApp(current(), { config: { publicUrl: 'https://headway.example.org' } });
  });
  afterAll(async () => {
    await app.close();
  });

  /** Starts a round through the form, everything open chosen as the page offers it; returns the round's page path. */
  async function startThroughPage(fixture: RoundPlan, fields: Record<string, string | string[]> = {}) {
    const newPage = await app.inject(`/plans/${fixture.plan.slug}/rounds/new`);
    expect(newPage.statusCode).toBe(200);
    const offered = [...newPage.body.matchAll(/name="items" type="checkbox" value="([^"]+)" checked/g)].map(
      (match) => match[1]!,
    );
    const response = await app.inject({
      method: 'POST',
      url: `/plans/${fixture.plan.slug}/rounds`,
      ...form({
        meetingName: 'Fire Authority board',
        ...dateFieldValues('meetingOn', meeting),
        ...dateFieldValues('deadline', deadline),
        message: 'Short updates, please.',
        reminderDays: '3, 0',
        items: offered,
        ...fields,
      }),
    });
    expect(response.statusCode, response.body).toBe(303);
    return String(response.headers.location).split('?')[0]!;
  }

  /** A request through the link as a signed-out browser would make it. */
  const asVisitor = (options: InjectOptions) =>
    app.inject({
      ...options,
      headers: { ...(options.headers ?? {}), cookie: String(options.headers?.cookie ?? '') },
    });

  it('starts a round from the form with every open item chosen, and shows it per owner with its counts', async () => {
    const fixture = await makeRoundPlan(current());
    const path = await startThroughPage(fixture);
    const page = await app.inject(path);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('0 of 5 items updated');
    expect(page.body).toContain('Cannot be e-mailed');
    expect(page.body).not.toContain('finished action');
    expect(page.body).toContain('Harbour first action');
    expect(page.body).toContain('3 days before the deadline and on the day of the deadline');
    expect(await queuedEmailsTo(current(), fixture.ash.email)).toHaveLength(1);
    const list = await app.inject(`/plans/${fixture.plan.slug}/rounds`);
    expect(list.body).toContain('0 of 5 items');
    const plan = await app.inject(`/plans/${fixture.plan.slug}`);
    expect(plan.body).toContain(`/plans/${fixture.plan.slug}/rounds`);
  });

  it('refuses a deadline after the meeting with the message, keeps what was typed and changes nothing', async () => {
    const fixture = await makeRoundPlan(current());
    const response = await app.inject({
      method: 'POST',
      url: `/plans/${fixture.plan.slug}/rounds`,
      ...form({
        meetingName: 'Board typed by hand',
        ...dateFieldValues('meetingOn', deadline),
        ...dateFieldValues('deadline', meeting),
        message: 'Words kept',
        reminderDays: '3, 0',
        items: [`action:${fixture.ashActionId}`],
      }),
    });
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain(
      'The deadline for updates must be on or before the date of the board or meeting',
    );
    expect(response.body).toContain('Board typed by hand');
    expect(response.body).toContain('Words kept');
    const rounds = await current()
      .kysely.selectFrom('update_rounds')
      .select('id')
      .where('plan_id', '=', fixture.plan.id)
      .execute();
    expect(rounds).toEqual([]);
  });

  it('lets the owner post through their link on a phone-sized page, and the round shows the item updated', async () => {
    const fixture = await makeRoundPlan(current());
    const path = await startThroughPage(fixture);
    const secret = linkSecretIn((await queuedEmailsTo(current(), fixture.ash.email))[0]!.text)!;
    const linkPage = await asVisitor({ url: `/respond/${secret}` });
    expect(linkPage.statusCode).toBe(200);
    expect(linkPage.body).toContain('Harbour first action');
    expect(linkPage.body).not.toContain('action of Bo');
    expect(linkPage.body).not.toContain('data-signed-in-as');
    expect(linkPage.body).toContain('OFFICIAL-SENSITIVE');
    const formPage = await asVisitor({ url: `/respond/${secret}?item=action:${fixture.ashActionId}` });
    expect(formPage.body).toContain('Post an update on Harbour first action');
    // Without its CSRF token the post is refused.
    const forged = await app.injectWithoutCsrf({
      method: 'POST',
      url: `/respond/${secret}`,
      ...form({ item: `action:${fixture.ashActionId}`, body: 'Forged' }, null),
    });
    expect(forged.statusCode).toBe(403);
    const invalid = await asVisitor({
      method: 'POST',
      url: `/respond/${secret}`,
      ...form({
        item: `action:${fixture.ashActionId}`,
        body: '',
        ...dateFieldValues('effectiveOn', londonDate()),
      }),
    });
    expect(invalid.statusCode).toBe(400);
    expect(invalid.body).toContain('Enter the update');
    const posted = await asVisitor({
      method: 'POST',
      url: `/respond/${secret}`,
      ...form({
        item: `action:${fixture.ashActionId}`,
        body: 'Policy signed off',
        author: 'Someone else entirely',
        statusChange: 'complete',
        ...dateFieldValues('effectiveOn', londonDate()),
      }),
    });
    expect(posted.statusCode, posted.body).toBe(303);
    const after = await asVisitor({ url: String(posted.headers.location) });
    expect(after.body).toContain('Update posted on Harbour first action');
    expect(after.body).toMatch(new RegExp(`data-item="action:${fixture.ashActionId}" data-updated="yes"`));
    const update = await current()
      .kysely.selectFrom('updates')
      .select(['author', 'status_change'])
      .where('action_id', '=', fixture.ashActionId)
      .executeTakeFirstOrThrow();
    expect(update).toEqual({ author: expect.stringMatching(/^Ash Harbour/), status_change: 'complete' });
    const round = await app.inject(path);
    expect(round.body).toContain('1 of 5 items updated');
    // Another owner's item through this link: not found, nothing posted.
    const foreign = await asVisitor({
      method: 'POST',
      url: `/respond/${secret}`,
      ...form({
        item: `action:${fixture.boActionId}`,
        body: 'Not mine',
        ...dateFieldValues('effectiveOn', londonDate()),
      }),
    });
    expect(foreign.statusCode).toBe(404);
    expect(foreign.body).toContain(notValid);
  });

  it('answers a guessed, revoked, closed or switched-off link with the same plain page, leaking nothing', async () => {
    const fixture = await makeRoundPlan(current());
    const path = await startThroughPage(fixture);
    const secret = linkSecretIn((await queuedEmailsTo(current(), fixture.ash.email))[0]!.text)!;
    const expectNotValid = async (token: string) => {
      const response = await asVisitor({ url: `/respond/${token}` });
      expect(response.statusCode).toBe(404);
      expect(response.body).toContain(notValid);
      expect(response.body).not.toContain('Harbour');
    };
    await expectNotValid('A'.repeat(43));
    await inTransaction(current(), (trx) => setPersonalLinksAllowed(trx, testActor, false));
    await expectNotValid(secret);
    await inTransaction(current(), (trx) => setPersonalLinksAllowed(trx, testActor, true));
    expect((await asVisitor({ url: `/respond/${secret}` })).statusCode).toBe(200);
    const revoke = await app.inject({
      method: 'POST',
      url: `${path}/revoke`,
      ...form({ ownerId: fixture.ash.id }),
    });
    expect(revoke.statusCode).toBe(303);
    await expectNotValid(secret);
    // A closed round's links end too.
    const other = await makeRoundPlan(current(), 'Quay');
    const otherPath = await startThroughPage(other);
    const otherSecret = linkSecretIn((await queuedEmailsTo(current(), other.ash.email))[0]!.text)!;
    const confirm = await app.inject(`${otherPath}/close`);
    const version = /name="version" value="(\d+)"/.exec(confirm.body)![1]!;
    const closed = await app.inject({
      method: 'POST',
      url: `${otherPath}/close`,
      ...form({ confirm: 'yes', version }),
    });
    expect(closed.statusCode).toBe(303);
    await expectNotValid(otherSecret);
  });

  it('reminds one owner now, shows when, filters to the not yet updated, and drafts the report once closed', async () => {
    const fixture = await makeRoundPlan(current());
    const path = await startThroughPage(fixture);
    const reminded = await app.inject({
      method: 'POST',
      url: `${path}/remind`,
      ...form({ ownerId: fixture.ash.id }),
    });
    expect(reminded.statusCode).toBe(303);
    expect(await queuedEmailsTo(current(), fixture.ash.email)).toHaveLength(2);
    const page = await app.inject(path);
    expect(page.body).toContain('Last reminded');
    // Cy has no address: refused on the page, nothing queued.
    const refused = await app.inject({
      method: 'POST',
      url: `${path}/remind`,
      ...form({ ownerId: fixture.cy.id }),
    });
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain('has no e-mail address');
    await app.inject({
      method: 'POST',
      url: `/plans/${fixture.plan.slug}/actions/${fixture.boActionId}/updates`,
      ...form({ body: 'Bo reports steady progress', ...dateFieldValues('effectiveOn', londonDate()) }),
    });
    const waiting = await app.inject(`${path}?show=not-updated`);
    expect(waiting.body).not.toContain(`data-item="action:${fixture.boActionId}"`);
    expect(waiting.body).toContain(`data-item="action:${fixture.ashActionId}"`);
    const confirm = await app.inject(`${path}/close`);
    const version = /name="version" value="(\d+)"/.exec(confirm.body)![1]!;
    await app.inject({ method: 'POST', url: `${path}/close`, ...form({ confirm: 'yes', version }) });
    const closedPage = await app.inject(path);
    expect(closedPage.body).toContain('Draft the highlight report for this period');
    const drafted = await app.inject({ method: 'POST', url: `${path}/report`, ...form({}) });
    expect(drafted.statusCode).toBe(303);
    const report = await app.inject(String(drafted.headers.location));
    expect(report.body).toContain('Bo reports steady progress');
  });

  it('lets an administrator switch personal links off and on', async () => {
    const off = await app.inject({
      method: 'POST',
      url: '/admin/personal-links',
      ...form({ allowed: 'no' }),
    });
    expect(off.statusCode).toBe(303);
    expect((await app.inject('/admin/personal-links')).body).toMatch(/value="no" checked/);
    const on = await app.inject({
      method: 'POST',
      url: '/admin/personal-links',
      ...form({ allowed: 'yes' }),
    });
    expect(on.statusCode).toBe(303);
    const history = await current()
      .kysely.selectFrom('history')
      .select('after_json')
      .where('record_id', '=', 'personal-links')
      .orderBy('id')
      .execute();
    expect(history.map((row) => JSON.parse(row.after_json!).value).slice(-2)).toEqual(['off', 'on']);
  });

  it('refuses an address that has tried too many bad links, even with a good one', async () => {
    const fixture = await makeRoundPlan(current());
    await startThroughPage(fixture);
    const secret = linkSecretIn((await queuedEmailsTo(current(), fixture.ash.email))[0]!.text)!;
    const remoteAddress = '192.0.2.77';
    for (let i = 0; i < linkLimits.invalidPerAddress; i += 1)
      expect((await asVisitor({ url: `/respond/${'B'.repeat(42)}${i}`, remoteAddress })).statusCode).toBe(
        404,
      );
    const refused = await asVisitor({ url: `/respond/${secret}`, remoteAddress });
    expect(refused.statusCode).toBe(429);
    expect(refused.body).not.toContain('Harbour');
    expect((await asVisitor({ url: `/respond/${secret}` })).statusCode).toBe(200);
  });
});
