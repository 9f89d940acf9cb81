import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { readConfig } from '../config.js';
import { startServer } from '../server.js';
import { describeEachDatabase } from '../testing/databases.js';
import { everything } from '../testing/everything.js';
import { browserCsrf, form, multipartForm } from '../testing/forms.js';
import { fillRoute, formRoutes, makeOneOfEach, pageRoutes } from '../testing/routes.js';
import { buildTestApp, type TestApp } from '../testing/testApp.js';
import { sessionCookieName } from '../signin/sessions.js';
import { csrfFieldName, csrfSecretCookie } from './csrf.js';
import { dateFieldValues } from './dateFields.js';

/** Fields a forger would send: enough for most forms to save, delete, move or publish something if let through. */
const forgedFields = {
  title: 'Forged title',
  name: 'Forged owner',
  body: 'Forged update',
  ...dateFieldValues('effectiveOn', '2024-02-01'),
  confirm: 'yes',
  direction: 'up',
  version: '1',
  target: 'new',
  ...dateFieldValues('periodStart', '2024-01-01'),
  ...dateFieldValues('periodEnd', '2024-03-31'),
};

/** Forged posts of a form; multipart ones only to the upload, the one route that reads them (others answer 415). */
function refusedAttempts(multipart: boolean): Record<string, Pick<InjectOptions, 'payload' | 'headers'>> {
  const mine = browserCsrf();
  const theirs = browserCsrf();
  // The browser's own token with its last character changed.
  const wrong = mine.token.replace(/.$/, (last) => (last === 'A' ? 'B' : 'A'));
  const pasted = { pasted: 'Action\tOwner\nA\tB\n' };
  const multipartAttempts = {
    'a token in a multipart form from another browser': multipartForm(pasted, [], {
      cookie: mine.cookie,
      token: theirs.token,
    }),
    'a multipart form with no token': multipartForm(pasted, [], { cookie: mine.cookie }),
    'a multipart form with a wrong token': multipartForm(pasted, [], { cookie: mine.cookie, token: wrong }),
  };
  return {
    ...(multipart ? multipartAttempts : {}),
    'no token and no cookie': form(forgedFields, null),
    'no token': form(forgedFields, { cookie: mine.cookie }),
    'a wrong token': form(forgedFields, { cookie: mine.cookie, token: wrong }),
    'an empty token': form(forgedFields, { cookie: mine.cookie, token: '' }),
    "another browser's token": form(forgedFields, { cookie: mine.cookie, token: theirs.token }),
    'a token without its cookie': form(forgedFields, { token: mine.token }),
  };
}

const endsSession = new Set(['/sign-in', '/sign-out', '/setup/:token']);

describeEachDatabase('CSRF protection', (current) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await buildTestApp(current());
  });
  afterAll(async () => {
    await app.close();
  });

  it('finds every page route that changes something in the route table', () => {
    const routes = formRoutes(app).map((route) => `${route.method} ${route.url}`);
    // A few known ones, so that an empty or broken table cannot pass the tests below unnoticed.
    expect(routes).toEqual(
      expect.arrayContaining([
        'POST /plans',
        'POST /plans/:slug/delete',
        'POST /plans/:slug/actions/:actionId/updates',
        'POST /import',
        'POST /plans/:slug/reports/:reportId/publish',
      ]),
    );
    expect(routes.length).toBeGreaterThan(20);
  });

  it('refuses every page post without a token, with a wrong one, or with another browser’s, with a 403 page, and changes nothing', async () => {
    const records = await makeOneOfEach(current(), {}, app.signedIn.user.id);
    const before = await everything(current());
    for (const route of formRoutes(app)) {
      const url = fillRoute(route.url, records);
      for (const [attempt, request] of Object.entries(refusedAttempts(route.url === '/import'))) {
        const response = await app.injectWithoutCsrf({ method: route.method as 'POST', url, ...request });
        const what = `${route.method} ${route.url} with ${attempt}`;
        expect(response.statusCode, what).toBe(403);
        expect(response.headers['content-type'], what).toContain('text/html');
        expect(response.body, what).toContain('The form could not be sent');
        expect(response.body, what).toContain('Nothing was changed');
      }
    }
    expect(await everything(current())).toEqual(before);
  });

  it('refuses an upload whose token does not come first, as the form sends it, and keeps no file', async () => {
    const before = await everything(current());
    const { token, cookie } = browserCsrf();
    const upload = multipartForm(
      {},
      [{ name: 'plan.txt', bytes: Buffer.from('Action\tOwner\nA\tB\n') }],
      null,
    );
    // The token after the file: a form Headway never draws.
    const tokenLast = Buffer.concat([
      upload.payload.subarray(0, upload.payload.lastIndexOf('--')),
      multipartForm({}, [], { token }).payload.subarray(0),
    ]);
    const response = await app.inject({
      method: 'POST',
      url: '/import',
      payload: tokenLast,
      headers: { ...upload.headers, cookie },
    });
    expect(response.statusCode).toBe(403);
    expect(await everything(current())).toEqual(before);
  });

  it('lets the same posts through with the browser’s own token, and then they do change things', async () => {
    // Records of their own: the posts let through below delete and move some.
    const records = await makeOneOfEach(current(), {}, app.signedIn.user.id);
    const before = await everything(current());
    for (const route of formRoutes(app)) {
      const url = fillRoute(route.url, records);
      const request =
        route.url === '/import' ? multipartForm({ pasted: 'Action\tOwner\nA\tB\n' }) : form(forgedFields);
      // Signing in, out or up ends the session the browser brings: those go signed out, so this test's session lasts.
      if (endsSession.has(route.url)) request.headers.cookie += `; ${sessionCookieName}=`;
      const response = await app.injectWithoutCsrf({ method: route.method as 'POST', url, ...request });
      expect(response.statusCode, `${route.method} ${route.url}`).not.toBe(403);
    }
    expect(await everything(current())).not.toEqual(before);
  });

  it('takes the token and cookie a form page gives, and sets the cookie HttpOnly, SameSite=Lax, Secure only over HTTPS', async () => {
    const page = await app.inject({ url: '/owners/new' });
    const token = new RegExp(`name="${csrfFieldName}" value="([^"]+)"`).exec(page.body)?.[1];
    const setCookie = String(page.headers['set-cookie']);
    expect(token).toBeDefined();
    expect(setCookie).toMatch(new RegExp(`^${csrfSecretCookie}=`));
    expect(setCookie).toContain('HttpOnly');
    expect(setCookie).toContain('SameSite=Lax');
    expect(setCookie).toContain('Path=/');
    expect(setCookie).not.toContain('Secure');
    const cookie = setCookie.split(';')[0]!;

    const saved = await app.inject({
      method: 'POST',
      url: '/owners',
      ...form({ name: 'Head of People', kind: 'person' }, { cookie, token: token! }),
    });
    expect(saved.statusCode).toBe(303);
    const owners = await current()
      .kysely.selectFrom('owners')
      .select('name')
      .where('name', '=', 'Head of People')
      .execute();
    expect(owners).toHaveLength(1);

    // X-Forwarded-Proto is believed only from a proxy HEADWAY_TRUST_PROXY names: not by default.
    const forged = await app.inject({ url: '/owners/new', headers: { 'x-forwarded-proto': 'https' } });
    expect(String(forged.headers['set-cookie'])).not.toContain('Secure');
    const behindProxy = await buildTestApp(current(), { config: { trustProxy: ['127.0.0.1'] } });
    const overHttps = await behindProxy.inject({
      url: '/owners/new',
      headers: { 'x-forwarded-proto': 'https' },
    });
    await behindProxy.close();
    expect(String(overHttps.headers['set-cookie'])).toMatch(/; Secure/);
  });

  it('keeps the secret it has: a second form page makes a new token from the same cookie', async () => {
    const first = await app.inject({ url: '/plans/new' });
    const cookie = String(first.headers['set-cookie']).split(';')[0]!;
    const second = await app.inject({ url: '/plans/new', headers: { cookie } });
    expect(second.headers['set-cookie']).toBeUndefined();
  });

  it('opens every form that posts, on every page, with the token field', async () => {
    const records = await makeOneOfEach(current(), {}, app.signedIn.user.id);
    let forms = 0;
    for (const route of pageRoutes(app)) {
      const response = await app.inject({ url: fillRoute(route.url, records) });
      if (!String(response.headers['content-type']).includes('text/html')) continue;
      for (const [, tag, after] of response.body.matchAll(/(<form\b[^>]*>)\s*([^\n]{0,120})/g)) {
        if (!/method="post"/i.test(tag!)) continue;
        forms += 1;
        expect(after, `${route.url}: ${tag}`).toMatch(
          new RegExp(`^<input type="hidden" name="${csrfFieldName}" value="[^"]+">`),
        );
      }
    }
    expect(forms).toBeGreaterThan(15);
  });

  it('closes the connection after refusing an upload unread, so the next request on it is answered', async () => {
    const server = await startServer(
      readConfig({}, { port: 0, host: '127.0.0.1', databaseUrl: ':memory:', logLevel: 'silent' }),
      // The database is the test's to close.
      { db: { ...current(), close: async () => {} } },
    );
    try {
      const csrf = browserCsrf();
      const post = (body: { payload: Buffer; headers: Record<string, string> }) =>
        fetch(`${server.url}/import`, {
          method: 'POST',
          headers: { ...body.headers, cookie: `${csrf.cookie}; ${app.signedIn.cookie}` },
          body: new Uint8Array(body.payload),
          redirect: 'manual',
          signal: AbortSignal.timeout(20_000),
        });
      const bigFile = [{ name: 'plan.txt', bytes: Buffer.alloc(2_000_000, 65) }];
      const refused = await post(multipartForm({}, bigFile, { token: 'forged' }));
      expect(refused.status).toBe(403);
      expect(refused.headers.get('connection')).toBe('close');
      const accepted = await post(multipartForm({ pasted: 'Action\tOwner\nA\tB\n' }, [], csrf));
      expect(accepted.status).toBe(303);
      expect(accepted.headers.get('connection')).not.toBe('close');
      // Signed out, the upload is refused before its body is read too, and the connection is closed the same way.
      const signedOut = await fetch(`${server.url}/import`, {
        method: 'POST',
        headers: { ...multipartForm({}, bigFile, csrf).headers },
        body: new Uint8Array(multipartForm({}, bigFile, csrf).payload),
        redirect: 'manual',
        signal: AbortSignal.timeout(20_000),
      });
      expect(signedOut.status).toBe(401);
      expect(signedOut.headers.get('connection')).toBe('close');
    } finally {
      await server.close();
    }
  });

  it('leaves the JSON API to its bearer tokens: no CSRF token asked of it', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/v1/plans',
      payload: { title: 'Made through the API' },
    });
    expect(response.statusCode).toBe(201);
  });
});
