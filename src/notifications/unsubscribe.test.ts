import { afterAll, beforeAll, expect, it } from 'vitest';
import { inTransaction } from '../db/transaction.js';
import { findUserRowById } from '../people/users.js';
import { describeEachDatabase } from '../testing/databases.js';
import { makeUser } from '../testing/people.js';
import { buildTestApp, type TestApp } from '../testing/testApp.js';
import { issueUnsubscribeLink } from './unsubscribeLinks.js';

describeEachDatabase('Unsubscribing through a link in an e-mail', (current) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await buildTestApp(current());
  });
  afterAll(async () => {
    await app.close();
  });

  const signedOut = { cookie: '' };
  const post = (secret: string) =>
    app.inject({ method: 'POST', url: `/unsubscribe/${secret}`, headers: signedOut });

  it('asks first: following the link changes nothing until the button is pressed', async () => {
    const user = await makeUser(current());
    const secret = await inTransaction(current(), (trx) => issueUnsubscribeLink(trx, user.id, 'digest'));
    expect(secret.length).toBeGreaterThanOrEqual(43);
    const stored = await current().kysely.selectFrom('unsubscribe_links').selectAll().execute();
    expect(JSON.stringify(stored)).not.toContain(secret);
    const page = await app.inject({ url: `/unsubscribe/${secret}`, headers: signedOut });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Stop sending the weekly digest of your items due and overdue to');
    expect(page.body).toContain(`action="/unsubscribe/${secret}"`);
    expect(page.headers['cache-control']).toBe('no-store');
    expect(await findUserRowById(current(), user.id)).toMatchObject({ digest: 'weekly', version: 1 });
  });

  it('switches off exactly the one kind of e-mail, says so and how to switch it back on, without signing in', async () => {
    const user = await makeUser(current());
    const digest = await inTransaction(current(), (trx) => issueUnsubscribeLink(trx, user.id, 'digest'));
    const changes = await inTransaction(current(), (trx) => issueUnsubscribeLink(trx, user.id, 'changes'));

    const first = await post(digest);
    expect(first.statusCode).toBe(200);
    expect(first.body).toContain('You will not get these e-mails any more');
    expect(first.body).toContain(
      'Headway will no longer send the weekly digest of your items due and overdue to',
    );
    expect(first.body).toContain('href="/account#email-settings"');
    expect(await findUserRowById(current(), user.id)).toMatchObject({ digest: 'none', change_notices: 'on' });
    const history = await current()
      .kysely.selectFrom('history')
      .selectAll()
      .where('record_id', '=', user.id)
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(history).toMatchObject({ actor_id: user.id, source: 'unsubscribe link in an e-mail' });

    // Pressed twice, the first stands and nothing more is written.
    const again = await post(digest);
    expect(again.body).toContain('You will not get these e-mails any more');
    expect((await findUserRowById(current(), user.id))!.version).toBe(2);

    await post(changes);
    expect(await findUserRowById(current(), user.id)).toMatchObject({
      digest: 'none',
      change_notices: 'off',
    });
  });

  it('changes nothing for a wrong link, and says the link does not work', async () => {
    const user = await makeUser(current());
    const secret = await inTransaction(current(), (trx) => issueUnsubscribeLink(trx, user.id, 'digest'));
    const wrong = `${secret.slice(0, -2)}xx`;
    const page = await app.inject({ url: `/unsubscribe/${wrong}`, headers: signedOut });
    expect(page.statusCode).toBe(404);
    expect(page.body).toContain('This link does not work');
    const posted = await post(wrong);
    expect(posted.statusCode).toBe(404);
    expect(await post('not-a-link').then((r) => r.statusCode)).toBe(404);
    expect(await findUserRowById(current(), user.id)).toMatchObject({
      digest: 'weekly',
      change_notices: 'on',
      version: 1,
    });
  });
});
