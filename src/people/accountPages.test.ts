import { afterAll, beforeAll, expect, it } from 'vitest';
import { inTransaction } from '../db/transaction.js';
import { describeEachDatabase } from '../testing/databases.js';
import { makePlan } from '../testing/factories.js';
import {
  formPost,
  makeUser,
  sessionCookieHeader,
  sessionCookieSet,
  testPassword,
} from '../testing/people.js';
import { buildTestApp, type TestApp } from '../testing/testApp.js';
import { setPlanRole } from './userCommands.js';

describeEachDatabase('your account', (current) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await buildTestApp(current(), { role: 'viewer' });
  });
  afterAll(async () => {
    await app.close();
  });

  async function signIn(email: string, password = testPassword): Promise<string> {
    const res = await app.inject(formPost('/sign-in', { email, password }, { cookie: '' }));
    const cookie = sessionCookieSet(res);
    if (!cookie) throw new Error(`sign-in failed: ${res.statusCode}`);
    return sessionCookieHeader(cookie.value);
  }

  it('shows your name, e-mail address, role and the plans you have, with your role in each', async () => {
    const plan = await makePlan(current(), { title: 'Wellbeing plan' });
    await inTransaction(current(), (trx) =>
      setPlanRole(trx, { name: 'Test' }, plan.id, app.signedIn.user.id, 'contributor'),
    );
    const res = await app.inject('/account');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain(app.signedIn.user.email);
    expect(res.body).toMatch(/Role\s*<\/dt>\s*<dd[^>]*>\s*Viewer/);
    const plans = res.body.slice(res.body.indexOf('data-account-plans'));
    expect(plans).toContain(`href="/plans/${plan.slug}">Wellbeing plan</a>`);
    expect(plans).toContain('Contributor');
    expect(res.body).toContain('href="/account"');
    expect(res.body).not.toContain('href="/admin/users"');
  });

  it('changes the password only with the right current one, never echoing a password, and ends your other sessions', async () => {
    const user = await makeUser(current());
    const here = await signIn(user.email);
    const elsewhere = await signIn(user.email);
    const newPassword = 'a new and longer pass phrase';

    const wrong = await app.inject(
      formPost(
        '/account/password',
        { currentPassword: 'not my password at all', newPassword, confirmPassword: newPassword },
        { cookie: here },
      ),
    );
    expect(wrong.statusCode).toBe(400);
    expect(wrong.body).toContain('Your current password is not right');
    expect(wrong.body).not.toContain('not my password at all');
    expect(wrong.body).not.toContain(newPassword);

    const mismatch = await app.inject(
      formPost(
        '/account/password',
        { currentPassword: testPassword, newPassword, confirmPassword: 'something else entirely' },
        { cookie: here },
      ),
    );
    expect(mismatch.statusCode).toBe(400);
    expect(mismatch.body).toContain('The two new passwords are not the same');
    expect(mismatch.body).not.toContain(testPassword);

    const short = await app.inject(
      formPost(
        '/account/password',
        { currentPassword: testPassword, newPassword: 'short', confirmPassword: 'short' },
        { cookie: here },
      ),
    );
    expect(short.statusCode).toBe(400);
    expect(short.body).toContain('at least 12 characters');
    // Nothing changed: the other session still works.
    expect((await app.inject({ url: '/account', headers: { cookie: elsewhere } })).statusCode).toBe(200);

    const done = await app.inject(
      formPost(
        '/account/password',
        { currentPassword: testPassword, newPassword, confirmPassword: newPassword },
        { cookie: here },
      ),
    );
    expect(done.statusCode).toBe(303);
    expect(done.headers.location).toBe('/account?notice=password-changed');
    expect((await app.inject({ url: '/account', headers: { cookie: here } })).statusCode).toBe(200);
    const other = await app.inject({ url: '/account', headers: { cookie: elsewhere } });
    expect(other.statusCode).toBe(303);
    expect(other.headers.location).toMatch(/^\/sign-in/);
    await expect(signIn(user.email)).rejects.toThrow('sign-in failed: 400');
    expect(await signIn(user.email, newPassword)).toMatch(/^headway_session=/);
  });

  it('shows a new API token once, keeps only its hash, lists it, and revokes it after confirmation', async () => {
    const made = await app.inject(
      formPost('/account/tokens', { tokenName: 'Dashboard script', tokenAccess: 'read' }),
    );
    expect(made.statusCode).toBe(201);
    expect(made.headers['cache-control']).toBe('no-store');
    const token = /data-token>(hw_[A-Za-z0-9_-]+)</.exec(made.body)?.[1];
    expect(token).toBeDefined();

    const stored = await current()
      .kysely.selectFrom('api_tokens')
      .selectAll()
      .where('name', '=', 'Dashboard script')
      .executeTakeFirstOrThrow();
    expect(Object.values(stored).some((value) => String(value).includes(token!))).toBe(false);

    const later = await app.inject('/account');
    expect(later.body).not.toContain(token);
    const tokenRow = (body: string) => {
      const start = body.indexOf('Dashboard script');
      return body.slice(start, body.indexOf('</tr>', start));
    };
    expect(tokenRow(later.body)).toContain('Read only');
    expect(tokenRow(later.body)).toContain('Never');

    const api = await app.inject({ url: '/api/v1/plans', headers: { authorization: `Bearer ${token}` } });
    expect(api.statusCode).toBe(200);
    const used = tokenRow((await app.inject('/account')).body);
    expect(used).not.toContain('Never');
    expect(used.match(/\d+ \w+ \d{4}, \d\d:\d\d/g)).toHaveLength(2);

    const confirm = await app.inject(`/account/tokens/${stored.id}/revoke`);
    expect(confirm.statusCode).toBe(200);
    expect(confirm.body).toContain('Are you sure you want to revoke the API token “Dashboard script”?');
    const revoked = await app.inject(formPost(`/account/tokens/${stored.id}/revoke`, { confirm: 'yes' }));
    expect(revoked.headers.location).toBe('/account?notice=token-revoked');
    expect(
      (await app.inject({ url: '/api/v1/plans', headers: { authorization: `Bearer ${token}` } })).statusCode,
    ).toBe(401);
    expect((await app.inject('/account')).body).toMatch(/Revoked \d+ \w+ \d{4}, \d\d:\d\d/);
  });

  it('refuses a token without a name or access, keeping what was typed', async () => {
    const res = await app.inject(formPost('/account/tokens', { tokenName: 'Half made', tokenAccess: '' }));
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('Select what the token may do');
    expect(res.body).toContain('value="Half made"');
    const none = await app.inject(formPost('/account/tokens', { tokenName: '', tokenAccess: 'write' }));
    expect(none.body).toContain('Enter a name for the token');
    expect(
      await current().kysely.selectFrom('api_tokens').select('id').where('name', '=', 'Half made').execute(),
    ).toEqual([]);
  });

  it("answers another user's token as not found, and leaves it alone", async () => {
    const otherApp = await buildTestApp(current(), { role: 'viewer' });
    try {
      const theirs = await current()
        .kysely.selectFrom('api_tokens')
        .select('id')
        .where('user_id', '=', otherApp.signedIn.user.id)
        .executeTakeFirstOrThrow();
      expect((await app.inject(`/account/tokens/${theirs.id}/revoke`)).statusCode).toBe(404);
      expect(
        (await app.inject(formPost(`/account/tokens/${theirs.id}/revoke`, { confirm: 'yes' }))).statusCode,
      ).toBe(404);
      const still = await current()
        .kysely.selectFrom('api_tokens')
        .select('revoked_at')
        .where('id', '=', theirs.id)
        .executeTakeFirstOrThrow();
      expect(still.revoked_at).toBeNull();
    } finally {
      await otherApp.close();
    }
  });
});
