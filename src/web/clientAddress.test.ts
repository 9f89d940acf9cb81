import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { TrustProxy } from '../config.js';
import { inTransaction } from '../db/transaction.js';
import { countSignInFailure, failuresPerAddress } from '../signin/signInLimits.js';
import { describeEachDatabase } from '../testing/databases.js';
import { formPost, makeUser, sessionCookieSet, testPassword } from '../testing/people.js';
import { buildTestApp, type TestApp } from '../testing/testApp.js';

describeEachDatabase('the client address and HEADWAY_TRUST_PROXY', (current) => {
  const apps: TestApp[] = [];
  async function appTrusting(trustProxy: TrustProxy) {
    const app = await buildTestApp(current(), { config: { trustProxy } });
    apps.push(app);
    return app;
  }
  let direct: TestApp;
  beforeAll(async () => {
    direct = await appTrusting(false);
  });
  afterAll(async () => {
    for (const app of apps) await app.close();
  });

  function signIn(
    app: TestApp,
    email: string,
    password: string,
    from: string,
    headers: Record<string, string> = {},
  ) {
    const request: InjectOptions = {
      ...formPost('/sign-in', { email, password }, { cookie: '', ...headers }),
      remoteAddress: from,
    };
    return app.inject(request);
  }

  /** The addresses the sign-in history and the failure count hold that mention any of `addresses`. */
  async function recorded(addresses: string[]) {
    const history = await current()
      .kysely.selectFrom('history')
      .select('after_json')
      .where('change', 'in', ['sign-in', 'sign-in-failed'])
      .execute();
    const failures = await current().kysely.selectFrom('sign_in_failures').select('address').execute();
    const mentions = (text: string) => addresses.filter((address) => text.includes(`"${address}"`));
    return {
      history: history.flatMap((row) => mentions(row.after_json ?? '')),
      failures: failures.map((row) => row.address).filter((address) => addresses.includes(address)),
    };
  }

  /** Failed attempts already counted against an address, so that a test needs only the last few requests. */
  async function failuresAlready(address: string, count: number) {
    await inTransaction(current(), async (trx) => {
      for (let n = 0; n < count; n++) await countSignInFailure(trx, `earlier-${n}@example.org`, address);
    });
  }

  it('by default, counts and records the connection’s address whatever X-Forwarded-For says, so the limit holds', async () => {
    const client = '203.0.113.10';
    const forged = (n: number) => `198.51.100.${n}`;
    await failuresAlready(client, failuresPerAddress - 3);
    for (let n = 1; n <= 3; n++) {
      const attempt = await signIn(direct, `spray-${n}@example.org`, 'Winter2026!', client, {
        'x-forwarded-for': forged(n),
      });
      expect(attempt.statusCode).toBe(400);
    }
    const user = await makeUser(current());
    // A fresh forged header does not get a locked-out client back in.
    const lockedOut = await signIn(direct, user.email, testPassword, client, {
      'x-forwarded-for': forged(4),
    });
    expect(lockedOut.statusCode).toBe(429);
    expect(lockedOut.body).toContain('too many failed sign-in attempts from your network address');

    const forgedAddresses = [1, 2, 3, 4, 5].map(forged);
    const other = '203.0.113.11';
    const signedIn = await signIn(direct, user.email, testPassword, other, { 'x-forwarded-for': forged(5) });
    expect(signedIn.statusCode).toBe(303);
    expect(await recorded(forgedAddresses)).toEqual({ history: [], failures: [] });
    const kept = await recorded([client, other]);
    expect(kept.failures.filter((address) => address === client)).toHaveLength(failuresPerAddress);
    // Three failures, the refusal at the limit, and the sign-in from the other address.
    expect(kept.history.sort()).toEqual([client, client, client, client, other]);
  });

  it('by default, does not believe a client that says it came over HTTPS', async () => {
    const user = await makeUser(current());
    const response = await signIn(direct, user.email, testPassword, '203.0.113.12', {
      'x-forwarded-proto': 'https',
    });
    expect(response.statusCode).toBe(303);
    expect(sessionCookieSet(response)?.secure).toBeFalsy();
    expect(response.headers['strict-transport-security']).toBeUndefined();
  });

  it('behind one proxy (HEADWAY_TRUST_PROXY=1), uses the address the proxy appended, and limits each client apart', async () => {
    const behindProxy = await appTrusting(1);
    const proxy = '10.0.0.2';
    const client = '203.0.113.20';
    const neighbour = '203.0.113.21';
    // The client wrote the first address itself; the proxy appended the one it saw.
    const via = (address: string) => ({ 'x-forwarded-for': `192.0.2.250, ${address}` });
    await failuresAlready(client, failuresPerAddress - 1);
    const failed = await signIn(behindProxy, 'nobody@example.org', 'a guess', proxy, via(client));
    expect(failed.statusCode).toBe(400);
    const user = await makeUser(current());
    const limited = await signIn(behindProxy, user.email, testPassword, proxy, via(client));
    expect(limited.statusCode).toBe(429);
    // Another client behind the same proxy is not caught by the first one's failures.
    const other = await signIn(behindProxy, user.email, testPassword, proxy, {
      ...via(neighbour),
      'x-forwarded-proto': 'https',
    });
    expect(other.statusCode).toBe(303);
    // The proxy says the browser came over HTTPS, and is believed.
    expect(sessionCookieSet(other)?.secure).toBe(true);
    const kept = await recorded([client, neighbour, proxy, '192.0.2.250']);
    expect(kept.failures.filter((address) => address === client)).toHaveLength(failuresPerAddress);
    expect(kept.failures.filter((address) => address !== client)).toEqual([]);
    expect(kept.history.sort()).toEqual([client, client, neighbour]);
  });

  it('with the proxies named, believes X-Forwarded-* only from them', async () => {
    const namedProxies = await appTrusting(['10.0.0.0/8']);
    const user = await makeUser(current());
    const throughProxy = await signIn(namedProxies, user.email, testPassword, '10.4.5.6', {
      'x-forwarded-for': '203.0.113.30',
      'x-forwarded-proto': 'https',
    });
    expect(throughProxy.statusCode).toBe(303);
    expect(sessionCookieSet(throughProxy)?.secure).toBe(true);
    // A client that is not a named proxy says it is a proxy's client, over HTTPS: neither is believed.
    const pretending = await signIn(namedProxies, user.email, testPassword, '203.0.113.31', {
      'x-forwarded-for': '10.9.9.9',
      'x-forwarded-proto': 'https',
    });
    expect(pretending.statusCode).toBe(303);
    expect(sessionCookieSet(pretending)?.secure).toBeFalsy();
    expect((await recorded(['203.0.113.30', '203.0.113.31', '10.9.9.9', '10.4.5.6'])).history.sort()).toEqual(
      ['203.0.113.30', '203.0.113.31'],
    );
  });
});
