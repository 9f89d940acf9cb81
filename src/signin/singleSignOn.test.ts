import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildApp } from '../app.js';
import { readConfig, type SingleSignOnConfig } from '../config.js';
import type { Db } from '../db/connection.js';
import { inTransaction } from '../db/transaction.js';
import { createUser, updateUserDetails } from '../people/userCommands.js';
import { describeEachDatabase } from '../testing/databases.js';
import {
  freePort,
  startOpenIdProvider,
  walkThroughProvider,
  type ProviderPerson,
  type TestProvider,
} from '../testing/openIdProvider.js';

const redirectUrl = 'http://localhost/sign-in/sso/callback';
let provider: TestProvider;

beforeAll(async () => {
  provider = await startOpenIdProvider(redirectUrl);
});
afterAll(async () => {
  await provider?.close();
});

function settings(overrides: Partial<SingleSignOnConfig> = {}): SingleSignOnConfig {
  return {
    issuer: provider.issuer,
    clientId: provider.clientId,
    clientSecret: provider.clientSecret,
    redirectUrl,
    defaultRole: 'contributor',
    label: 'Test Provider',
    ...overrides,
  };
}

function cookieFrom(res: LightMyRequestResponse, name: string): string | undefined {
  return res.cookies.find((c) => c.name === name && c.value !== '')?.value;
}

interface Journey {
  returnTo?: string;
  /** Changes the provider's answer on its way back, as an attacker in the middle might. */
  alterAnswer?: (answer: URL) => void;
  /** Runs between leaving for the provider and coming back. */
  meanwhile?: (db: Db) => Promise<void>;
}

/** Begins at /sign-in/sso, signs `person` in at the provider, and brings the answer back to Headway. */
async function signInAs(
  app: FastifyInstance,
  db: Db,
  person: ProviderPerson | 'refuse',
  journey: Journey = {},
) {
  provider.next = person;
  const query = journey.returnTo === undefined ? '' : `?returnTo=${encodeURIComponent(journey.returnTo)}`;
  const begin = await app.inject(`/sign-in/sso${query}`);
  expect(begin.statusCode).toBe(303);
  const requestCookie = cookieFrom(begin, 'headway_sign_on');
  expect(requestCookie).toBeDefined();
  const answer = await walkThroughProvider(begin.headers.location as string, redirectUrl);
  journey.alterAnswer?.(answer);
  await journey.meanwhile?.(db);
  const callback = () =>
    app.inject({
      url: `/sign-in/sso/callback${answer.search}`,
      headers: { cookie: `headway_sign_on=${requestCookie}` },
    });
  return { begin, res: await callback(), again: callback };
}

async function countRows(db: Db, table: 'users' | 'sessions'): Promise<number> {
  const row = await db.kysely
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

function historyOf(db: Db, userId: string) {
  return db.kysely
    .selectFrom('history')
    .select(['change', 'source', 'actor', 'actor_id', 'after_json'])
    .where('record_type', '=', 'user')
    .where('record_id', '=', userId)
    .orderBy('id')
    .execute();
}

let people = 0;
function newPerson(overrides: Partial<ProviderPerson> = {}): ProviderPerson {
  people += 1;
  return {
    sub: `person-${people}`,
    email: `person.${people}@example.org`,
    email_verified: true,
    name: `Person ${people}`,
    ...overrides,
  };
}

describeEachDatabase('single sign-on with OpenID Connect', (current) => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await buildApp({ db: current(), config: readConfig({}, { singleSignOn: settings() }) });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('offers "Sign in with" the provider on the sign-in page, keeping where to go afterwards', async () => {
    const res = await app.inject('/sign-in?returnTo=%2Fplans%2Fculture');
    expect(res.body).toContain('Sign in with Test Provider');
    expect(res.body).toContain('href="/sign-in/sso?returnTo=%2Fplans%2Fculture"');
  });

  it('sends the browser to the provider with state, nonce and an S256 PKCE challenge, in a short-lived cookie', async () => {
    const res = await app.inject('/sign-in/sso');
    const url = new URL(res.headers.location as string);
    expect(url.origin).toBe(provider.issuer);
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('code_challenge')).toMatch(/^[\w-]{43}$/);
    expect(url.searchParams.get('state')).toBeTruthy();
    expect(url.searchParams.get('nonce')).toBeTruthy();
    expect(url.searchParams.get('redirect_uri')).toBe(redirectUrl);
    const cookie = res.cookies.find((c) => c.name === 'headway_sign_on')!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/sign-in/sso', maxAge: 600 });
    // The verifier never leaves the server: the cookie is only a random key to it.
    expect(res.headers.location).not.toContain(cookie.value);
  });

  it('makes a new user with the default role, signs them in and records both in the history', async () => {
    const db = current();
    const person = newPerson({ name: 'Aisha Khan' });
    const { res } = await signInAs(app, db, person, { returnTo: '/plans' });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/plans');
    const user = await db.kysely
      .selectFrom('users')
      .selectAll()
      .where('email', '=', person.email!)
      .executeTakeFirstOrThrow();
    expect(user).toMatchObject({ name: 'Aisha Khan', role: 'contributor', password_hash: null });
    const session = cookieFrom(res, 'headway_session');
    const page = await app.inject({ url: '/plans', headers: { cookie: `headway_session=${session}` } });
    expect(page.statusCode).toBe(200);
    const history = await historyOf(db, user.id);
    expect(history.map((h) => [h.change, h.source])).toEqual([
      ['create', 'single sign-on'],
      ['sign-in', 'single sign-on'],
    ]);
    expect(history[1]!.actor_id).toBe(user.id);
  });

  it('matches an existing user by e-mail in any case, keeping their role and making no second user', async () => {
    const db = current();
    const existing = await inTransaction(db, (trx) =>
      createUser(
        trx,
        { name: 'Test set-up' },
        { email: 'Jo.Bloggs@Example.org', name: 'Jo Bloggs', role: 'manager' },
      ),
    );
    const before = await countRows(db, 'users');
    const { res } = await signInAs(app, db, newPerson({ email: 'JO.BLOGGS@example.ORG', name: 'Joanne B' }));
    expect(res.statusCode).toBe(303);
    expect(await countRows(db, 'users')).toBe(before);
    const after = await db.kysely
      .selectFrom('users')
      .selectAll()
      .where('id', '=', existing.id)
      .executeTakeFirstOrThrow();
    expect(after).toMatchObject({ email: 'jo.bloggs@example.org', name: 'Jo Bloggs', role: 'manager' });
    const history = await historyOf(db, existing.id);
    expect(history.at(-1)).toMatchObject({
      change: 'sign-in',
      source: 'single sign-on',
      actor_id: existing.id,
    });
  });

  it('ends the session the browser brought and issues a new one', async () => {
    const db = current();
    const person = newPerson();
    const first = cookieFrom((await signInAs(app, db, person)).res, 'headway_session')!;
    provider.next = person;
    const begin = await app.inject('/sign-in/sso');
    const answer = await walkThroughProvider(begin.headers.location as string, redirectUrl);
    const res = await app.inject({
      url: `/sign-in/sso/callback${answer.search}`,
      headers: {
        cookie: `headway_sign_on=${cookieFrom(begin, 'headway_sign_on')}; headway_session=${first}`,
      },
    });
    expect(res.statusCode).toBe(303);
    const second = cookieFrom(res, 'headway_session');
    expect(second).toBeDefined();
    expect(second).not.toBe(first);
    const old = await app.inject({ url: '/plans', headers: { cookie: `headway_session=${first}` } });
    expect(old.statusCode).toBe(303);
  });

  it.each([
    ['a local path', '/plans/culture/actions?status=open', '/plans/culture/actions?status=open'],
    ['another site', 'https://evil.example/steal', '/'],
    ['a protocol-relative address', '//evil.example/steal', '/'],
    ['a backslash trick', '/\\evil.example', '/'],
  ])('after signing in goes back to %s only when it is on this site', async (_what, returnTo, expected) => {
    const { res } = await signInAs(app, current(), newPerson(), { returnTo });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(expected);
  });

  async function expectRefused(
    outcome: Promise<{ res: LightMyRequestResponse }>,
    status: number,
    message: string | RegExp,
  ) {
    const db = current();
    const users = await countRows(db, 'users');
    const sessions = await countRows(db, 'sessions');
    const { res } = await outcome;
    expect(res.statusCode).toBe(status);
    expect(res.body).toMatch(message);
    expect(res.body).toContain('href="/sign-in"');
    expect(cookieFrom(res, 'headway_session')).toBeUndefined();
    // A refused sign-in changes nothing: no user made, no session opened.
    expect(await countRows(db, 'users')).toBe(users);
    expect(await countRows(db, 'sessions')).toBe(sessions);
    return res;
  }

  it('refuses an answer whose state was tampered with', async () => {
    const person = newPerson();
    await expectRefused(
      signInAs(app, current(), person, {
        alterAnswer: (answer) => answer.searchParams.set('state', 'forged-state'),
      }),
      400,
      /could not be verified \(unexpected &quot;state&quot; response parameter value\)/,
    );
  });

  it('refuses an ID token whose nonce is not the one this sign-in sent', async () => {
    await expectRefused(
      signInAs(app, current(), newPerson(), {
        meanwhile: (db) =>
          db.kysely.updateTable('single_sign_on_requests').set({ nonce: 'another-sign-in' }).execute().then(),
      }),
      400,
      /could not be verified \(unexpected ID Token &quot;nonce&quot; claim value\)/,
    );
  });

  it('refuses an answer that says it comes from another issuer', async () => {
    await expectRefused(
      signInAs(app, current(), newPerson(), {
        alterAnswer: (answer) => answer.searchParams.set('iss', 'https://impostor.example'),
      }),
      400,
      /could not be verified \(unexpected &quot;iss&quot;/,
    );
  });

  it('refuses a code sent back a second time', async () => {
    const { res, again } = await signInAs(app, current(), newPerson());
    expect(res.statusCode).toBe(303);
    await expectRefused(
      again().then((replay) => ({ res: replay })),
      400,
      /was not started in this browser/,
    );
  });

  it('refuses an answer brought back without the cookie of the browser that began it', async () => {
    provider.next = newPerson();
    const begin = await app.inject('/sign-in/sso');
    const answer = await walkThroughProvider(begin.headers.location as string, redirectUrl);
    await expectRefused(
      app.inject(`/sign-in/sso/callback${answer.search}`).then((res) => ({ res })),
      400,
      /was not started in this browser, or took longer than 10 minutes/,
    );
  });

  it('refuses a disabled user and records the refusal', async () => {
    const db = current();
    const person = newPerson();
    const user = await inTransaction(db, async (trx) => {
      const made = await createUser(trx, { name: 'Test set-up' }, { email: person.email, role: 'viewer' });
      return updateUserDetails(trx, { name: 'Test set-up' }, made.id, { disabled: true });
    });
    await expectRefused(signInAs(app, db, person), 403, 'This account has been disabled');
    const history = await historyOf(db, user.id);
    expect(history.at(-1)).toMatchObject({ change: 'sign-in-failed', source: 'single sign-on' });
    expect(JSON.parse(history.at(-1)!.after_json!)).toMatchObject({ reason: 'disabled' });
  });

  it('refuses an e-mail address the provider says it has not verified', async () => {
    await expectRefused(
      signInAs(app, current(), newPerson({ email: 'unverified@example.org', email_verified: false })),
      400,
      'Test Provider has not verified the e-mail address unverified@example.org',
    );
  });

  it('refuses when the provider gives no e-mail address', async () => {
    await expectRefused(
      signInAs(app, current(), newPerson({ email: undefined, email_verified: undefined })),
      400,
      'Test Provider did not give your e-mail address',
    );
  });

  it('takes an e-mail address the provider sends without saying whether it is verified', async () => {
    const person = newPerson({ email_verified: undefined });
    const { res } = await signInAs(app, current(), person);
    expect(res.statusCode).toBe(303);
  });

  it('shows the provider’s refusal and changes nothing', async () => {
    await expectRefused(
      signInAs(app, current(), 'refuse'),
      400,
      'Test Provider did not sign you in: The person said no.',
    );
  });

  it('signs in through a public client, which has no secret and proves itself by PKCE alone', async () => {
    const publicClient = await buildApp({
      db: current(),
      config: readConfig(
        {},
        { singleSignOn: settings({ clientId: provider.publicClientId, clientSecret: undefined }) },
      ),
    });
    try {
      const person = newPerson();
      const { res } = await signInAs(publicClient, current(), person);
      expect(res.statusCode).toBe(303);
      expect(cookieFrom(res, 'headway_session')).toBeDefined();
    } finally {
      await publicClient.close();
    }
  });

  it('says so clearly when the provider cannot be reached, and discovers it once it can be', async () => {
    const port = await freePort();
    const laterIssuer = `http://127.0.0.1:${port}`;
    const later = await buildApp({
      db: current(),
      config: readConfig({}, { singleSignOn: settings({ issuer: laterIssuer, label: 'Far Provider' }) }),
    });
    let lateProvider: TestProvider | undefined;
    try {
      const res = await later.inject('/sign-in/sso');
      expect(res.statusCode).toBe(503);
      expect(res.body).toContain('Far Provider cannot be reached just now');
      expect(res.body).toContain('sign in with your e-mail address and password');
      expect(res.cookies.find((c) => c.name === 'headway_sign_on')).toBeUndefined();
      lateProvider = await startOpenIdProvider(redirectUrl, port);
      const retry = await later.inject('/sign-in/sso');
      expect(retry.statusCode).toBe(303);
      expect(retry.headers.location).toContain(`${laterIssuer}/auth?`);
    } finally {
      await later.close();
      await lateProvider?.close();
    }
  });

  it('answers 404 at the single sign-on addresses when it is not set up', async () => {
    const plain = await buildApp({ db: current(), config: readConfig({}) });
    try {
      expect((await plain.inject('/sign-in/sso')).statusCode).toBe(404);
      expect((await plain.inject('/sign-in/sso/callback?code=x&state=y')).statusCode).toBe(404);
      expect((await plain.inject('/sign-in')).body).not.toContain('Sign in with');
    } finally {
      await plain.close();
    }
  });
});
