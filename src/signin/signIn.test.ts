import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { inTransaction } from '../db/transaction.js';
import { updateUserDetails } from '../people/userCommands.js';
import { describeEachDatabase } from '../testing/databases.js';
import {
  formPost,
  makeUser,
  sessionCookieHeader,
  sessionCookieSet,
  testPassword,
} from '../testing/people.js';
import { buildTestApp, type TestApp } from '../testing/testApp.js';
import { createPasswordLink } from './passwordLinks.js';
import { secretHash } from './secrets.js';
import { failuresPerAccount, failuresPerAddress } from './signInLimits.js';

// Dozens of sign-ins and failed attempts: argon2id at its lowest cost, so this file spends its time on sessions, limits
// and redirects rather than on hashing (passwords are still real argon2id hashes, checked against what was typed;
// Headway's own cost, src/people/passwords.ts, is untouched and used by every other file).
vi.mock('argon2', async (real) =>
  (await import('../testing/quickPasswordHashing.js')).quickPasswordHashing(await real()),
);

let addressCounter = 0;
/** Each test signs in from an address of its own, so the per-address limit of one test never touches another. */
function newAddress(): string {
  addressCounter += 1;
  return `192.0.2.${addressCounter}`;
}

describeEachDatabase('signing in and out', (current) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await buildTestApp(current());
  });
  afterAll(async () => {
    await app.close();
  });

  /** A sign-in from the client's own address (the socket's: no proxy is trusted by default). */
  function signIn(
    fields: Record<string, string>,
    headers: Record<string, string> = {},
    address = newAddress(),
  ) {
    return app.inject({
      ...formPost('/sign-in', fields, { cookie: '', ...headers }),
      remoteAddress: address,
    });
  }

  function visit(url: string, cookie: string) {
    return app.inject({ url, headers: { cookie } });
  }

  function historyOf(change: string, userId: string) {
    return current()
      .kysely.selectFrom('history')
      .selectAll()
      .where('change', '=', change as never)
      .where('record_id', '=', userId)
      .orderBy('id')
      .execute();
  }

  it('signs in with the right password, into a new session, with safe cookie settings, and records it', async () => {
    const user = await makeUser(current());
    const address = newAddress();
    const res = await signIn({ email: user.email.toUpperCase(), password: testPassword }, {}, address);
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/');
    const cookie = sessionCookieSet(res)!;
    expect(cookie.httpOnly).toBe(true);
    expect(cookie.sameSite).toBe('Lax');
    expect(cookie.secure).toBeFalsy();
    expect(cookie.path).toBe('/');
    const plans = await visit('/plans', sessionCookieHeader(cookie.value));
    expect(plans.statusCode).toBe(200);
    expect(plans.body).toContain('data-signed-in-as>Person');
    // The database holds only a hash of the session id.
    const session = await current()
      .kysely.selectFrom('sessions')
      .selectAll()
      .where('user_id', '=', user.id)
      .executeTakeFirstOrThrow();
    expect(session.id_hash).toBe(secretHash(cookie.value));
    expect(JSON.stringify(session)).not.toContain(cookie.value);
    const [event] = await historyOf('sign-in', user.id);
    expect(event?.actor_id).toBe(user.id);
    expect(event?.after_json).toContain(address);
    expect(event?.at).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it('marks the cookie Secure when the request came through HTTPS, as a trusted proxy says', async () => {
    const user = await makeUser(current());
    const behindProxy = await buildTestApp(current(), { config: { trustProxy: 1 } });
    const res = await behindProxy.inject({
      ...formPost(
        '/sign-in',
        { email: user.email, password: testPassword },
        { cookie: '', 'x-forwarded-proto': 'https', 'x-forwarded-for': newAddress() },
      ),
    });
    await behindProxy.close();
    expect(sessionCookieSet(res)?.secure).toBe(true);
    expect(res.headers['set-cookie']).toMatch(/HttpOnly/);
    expect(res.headers['set-cookie']).toMatch(/SameSite=Lax/);
    expect(res.headers['set-cookie']).toMatch(/Secure/);
  });

  it('refuses a wrong password or an unknown address alike, keeps the e-mail address, never returns the password, and records the failure', async () => {
    const user = await makeUser(current());
    const wrong = await signIn({ email: user.email, password: 'my guessed password' });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.body).toContain('The e-mail address or password is not right');
    expect(wrong.body).toContain(`value="${user.email}"`);
    expect(wrong.body).not.toContain('my guessed password');
    expect(sessionCookieSet(wrong)).toBeUndefined();
    const unknown = await signIn({ email: 'no.one@example.org', password: 'my guessed password' });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.body).toContain('The e-mail address or password is not right');
    expect(unknown.body).not.toContain('my guessed password');
    const [failure] = await historyOf('sign-in-failed', user.id);
    expect(failure?.actor).toBe(user.email);
    expect(failure?.after_json).toContain('"reason":"password"');
    expect(await historyOf('sign-in-failed', 'unknown:no.one@example.org')).toHaveLength(1);
  });

  it('ends a session after the idle time, and after the absolute time however active', async () => {
    const user = await makeUser(current());
    const cookieOf = async () =>
      sessionCookieHeader(
        sessionCookieSet(await signIn({ email: user.email, password: testPassword }))!.value,
      );
    const ago = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();
    const setTimes = (cookie: string, times: { last_seen_at?: string; expires_at?: string }) =>
      current()
        .kysely.updateTable('sessions')
        .set(times)
        .where('id_hash', '=', secretHash(cookie.split('=')[1]!))
        .execute();

    const idle = app.config.sessionIdleMinutes;
    const stillActive = await cookieOf();
    await setTimes(stillActive, { last_seen_at: ago(idle - 1) });
    expect((await visit('/plans', stillActive)).statusCode).toBe(200);

    const idleTooLong = await cookieOf();
    await setTimes(idleTooLong, { last_seen_at: ago(idle + 1) });
    const idleRes = await visit('/plans', idleTooLong);
    expect(idleRes.statusCode).toBe(303);
    expect(idleRes.headers.location).toBe('/sign-in?returnTo=%2Fplans');
    expect(
      await current()
        .kysely.selectFrom('sessions')
        .select('id_hash')
        .where('id_hash', '=', secretHash(idleTooLong.split('=')[1]!))
        .execute(),
    ).toEqual([]);

    const pastItsEnd = await cookieOf();
    await setTimes(pastItsEnd, { last_seen_at: ago(0), expires_at: ago(1) });
    expect((await visit('/plans', pastItsEnd)).statusCode).toBe(303);
    // Once ended, a session stays ended even if its times were put right again.
    await setTimes(pastItsEnd, { expires_at: new Date(Date.now() + 3_600_000).toISOString() });
    expect((await visit('/plans', pastItsEnd)).statusCode).toBe(303);
  });

  it('issues a new session id at sign-in, whatever session id the browser brought (session fixation)', async () => {
    const user = await makeUser(current());
    const planted = 'planted-by-an-attacker-0123456789';
    const res = await signIn(
      { email: user.email, password: testPassword },
      { cookie: sessionCookieHeader(planted) },
    );
    const issued = sessionCookieSet(res)!.value;
    expect(issued).not.toBe(planted);
    expect((await visit('/plans', sessionCookieHeader(planted))).statusCode).toBe(303);

    // A real session brought to a new sign-in is ended, not reused.
    const again = await signIn(
      { email: user.email, password: testPassword },
      { cookie: sessionCookieHeader(issued) },
    );
    const renewed = sessionCookieSet(again)!.value;
    expect(renewed).not.toBe(issued);
    expect((await visit('/plans', sessionCookieHeader(issued))).statusCode).toBe(303);
    expect((await visit('/plans', sessionCookieHeader(renewed))).statusCode).toBe(200);
  });

  it('ends the session on the server at sign-out, and records it', async () => {
    const user = await makeUser(current());
    const cookie = sessionCookieHeader(
      sessionCookieSet(await signIn({ email: user.email, password: testPassword }))!.value,
    );
    const out = await app.inject({ method: 'POST', url: '/sign-out', headers: { cookie } });
    expect(out.statusCode).toBe(303);
    expect(out.headers.location).toBe('/sign-in?notice=signed-out');
    expect(out.cookies.find((c) => c.name === 'headway_session')?.value).toBe('');
    expect(
      await current()
        .kysely.selectFrom('sessions')
        .select('id_hash')
        .where('user_id', '=', user.id)
        .execute(),
    ).toEqual([]);
    // The old cookie, replayed, opens nothing.
    expect((await visit('/plans', cookie)).statusCode).toBe(303);
    expect(await historyOf('sign-out', user.id)).toHaveLength(1);
  });

  it("stops a disabled user's sessions and refuses their sign-in", async () => {
    const user = await makeUser(current());
    const cookie = sessionCookieHeader(
      sessionCookieSet(await signIn({ email: user.email, password: testPassword }))!.value,
    );
    await inTransaction(current(), (trx) =>
      updateUserDetails(trx, { name: 'Admin' }, user.id, { disabled: true }),
    );
    expect((await visit('/plans', cookie)).statusCode).toBe(303);
    const refused = await signIn({ email: user.email, password: testPassword });
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain('This account has been disabled');
    expect(sessionCookieSet(refused)).toBeUndefined();
  });

  it('limits failed attempts per account with a clear message and 429, even for the right password, and records them', async () => {
    const user = await makeUser(current());
    for (let n = 0; n < failuresPerAccount; n++)
      expect((await signIn({ email: user.email, password: `wrong guess ${n}` })).statusCode).toBe(400);
    const limited = await signIn({ email: user.email, password: testPassword });
    expect(limited.statusCode).toBe(429);
    expect(limited.body).toContain(
      `There have been ${failuresPerAccount} failed attempts to sign in to this account. Wait 15 minutes`,
    );
    expect(sessionCookieSet(limited)).toBeUndefined();
    const failures = await historyOf('sign-in-failed', user.id);
    expect(failures).toHaveLength(failuresPerAccount);
    const refusals = await current()
      .kysely.selectFrom('history')
      .select('after_json')
      .where('change', '=', 'sign-in-failed')
      .where('after_json', 'like', `%${user.email}%"reason":"limit"%`)
      .execute();
    expect(refusals).toHaveLength(1);
  });

  it('limits failed attempts per network address with a clear message and 429', async () => {
    const address = newAddress();
    for (let n = 0; n < failuresPerAddress; n++)
      expect(
        (await signIn({ email: `guess-${n}@example.org`, password: 'a wrong password' }, {}, address))
          .statusCode,
      ).toBe(400);
    const user = await makeUser(current());
    const limited = await signIn({ email: user.email, password: testPassword }, {}, address);
    expect(limited.statusCode).toBe(429);
    expect(limited.body).toContain('too many failed sign-in attempts from your network address');
    // From another address the same account signs in.
    expect((await signIn({ email: user.email, password: testPassword })).statusCode).toBe(303);
    // Twenty-two password checks (argon2, slow on purpose): longer than the default on a busy machine.
  }, 90_000);

  it.each([
    '//evil.example',
    '/\\evil.example',
    'https://evil.example',
    'http://evil.example/plans',
    '/%2F%2Fevil.example',
    '%2F%2Fevil.example',
    '/%5Cevil.example',
    '/%252F%252Fevil.example',
    '/\t/evil.example',
    '/%09/evil.example',
    '/\r\nLocation: https://evil.example',
    ' //evil.example',
    'javascript:alert(1)',
    '/%E0%A4%A',
  ])('refuses to send anyone to %j after signing in: they land on the home page', async (returnTo) => {
    const user = await makeUser(current());
    const res = await signIn({ email: user.email, password: testPassword, returnTo });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/');
  });

  it('goes back to the page on this site that asked for sign-in', async () => {
    const start = await app.inject({ url: '/owners?q=corp', headers: { cookie: '' } });
    expect(start.headers.location).toBe('/sign-in?returnTo=%2Fowners%3Fq%3Dcorp');
    const form = await app.inject({ url: start.headers.location as string, headers: { cookie: '' } });
    expect(form.body).toContain('name="returnTo" value="/owners?q=corp"');
    const user = await makeUser(current());
    const res = await signIn({ email: user.email, password: testPassword, returnTo: '/owners?q=corp' });
    expect(res.headers.location).toBe('/owners?q=corp');
  });

  it('lets a one-time password link work once, and never after it expires', async () => {
    const user = await makeUser(current());
    const [fresh, stale] = await inTransaction(current(), async (trx) => [
      await createPasswordLink(trx, user.id, 72),
      await createPasswordLink(trx, user.id, 72, new Date(Date.now() - 73 * 3_600_000)),
    ]);
    const newPassword = 'chosen through the link';
    const used = await app.inject(
      formPost(`/setup/${fresh}`, { password: newPassword, confirmPassword: newPassword }, { cookie: '' }),
    );
    expect(used.statusCode).toBe(303);
    const again = await app.inject(
      formPost(
        `/setup/${fresh}`,
        { password: 'another new password', confirmPassword: 'another new password' },
        { cookie: '' },
      ),
    );
    expect(again.statusCode).toBe(404);
    expect((await app.inject({ url: `/setup/${stale}`, headers: { cookie: '' } })).statusCode).toBe(404);
    expect(
      (
        await app.inject(
          formPost(
            `/setup/${stale}`,
            { password: 'another new password', confirmPassword: 'another new password' },
            { cookie: '' },
          ),
        )
      ).statusCode,
    ).toBe(404);
    expect((await signIn({ email: user.email, password: newPassword })).statusCode).toBe(303);
    expect((await signIn({ email: user.email, password: 'another new password' })).statusCode).toBe(400);
  });

  it('stops the first-administrator link working once any user exists', async () => {
    const link = await inTransaction(current(), (trx) => createPasswordLink(trx, null, 24));
    expect((await app.inject({ url: `/setup/${link}`, headers: { cookie: '' } })).statusCode).toBe(404);
    const res = await app.inject(
      formPost(
        `/setup/${link}`,
        {
          name: 'Intruder',
          email: 'intruder@example.org',
          password: 'a long enough password',
          confirmPassword: 'a long enough password',
        },
        { cookie: '' },
      ),
    );
    expect(res.statusCode).toBe(404);
    expect(
      await current()
        .kysely.selectFrom('users')
        .select('id')
        .where('email', '=', 'intruder@example.org')
        .execute(),
    ).toEqual([]);
  });
});
