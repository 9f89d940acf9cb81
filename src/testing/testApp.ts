// Builds the real app on a test database, without listening, for app.inject(); requests go as a signed-in user.
import type { FastifyInstance, InjectOptions } from 'fastify';
import { buildApp } from '../app.js';
import { readConfig, type Config } from '../config.js';
import type { Db } from '../db/connection.js';
import type { UserRole } from '../db/schema.js';
import { inTransaction } from '../db/transaction.js';
import { createUser } from '../people/userCommands.js';
import { presentUser, type User } from '../people/users.js';
import { createApiToken } from '../signin/apiTokens.js';
import { sessionCookieName, sessionTimes } from '../signin/sessions.js';
import { openSession } from '../signin/signIn.js';
import { csrfFieldName, csrfSecretCookie } from '../web/csrf.js';
import { browserCsrf } from './forms.js';

export interface SignedInAs {
  user: User;
  /** Cookie header for pages. */
  cookie: string;
  /** Authorization header for the API (read-write). */
  authorization: string;
}

let counter = 0;

/** Makes a user with this role, signs them in and gives them a read-write API token. */
export async function signedInUser(
  db: Db,
  config: Config,
  role: UserRole = 'admin',
  name = 'Test Manager',
): Promise<SignedInAs> {
  counter += 1;
  const email = `${role}-${Date.now()}-${counter}@example.org`;
  return inTransaction(db, async (trx) => {
    const user = presentUser(await createUser(trx, { name: 'Test set-up' }, { email, name, role }));
    const secret = await openSession(trx, user, sessionTimes(config), '127.0.0.1', 'test');
    const { token } = await createApiToken(trx, { name, userId: user.id }, user.id, {
      name: 'tests',
      access: 'write',
    });
    return { user, cookie: `${sessionCookieName}=${secret}`, authorization: `Bearer ${token}` };
  });
}

const csrfCookiePrefix = `${csrfSecretCookie}=`;
const stateChanging = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Adds a CSRF token and its cookie to a page form that has neither, as a Headway page's form would carry. */
export function withCsrf(opts: InjectOptions, headers: Record<string, string>): InjectOptions {
  const type = String(headers['content-type'] ?? '');
  const payload = opts.payload;
  const hasToken =
    (typeof payload === 'string' && new URLSearchParams(payload).has(csrfFieldName)) ||
    (Buffer.isBuffer(payload) && payload.includes(`name="${csrfFieldName}"`));
  if (hasToken || (headers.cookie ?? '').includes(csrfCookiePrefix)) return { ...opts, headers };
  const csrf = browserCsrf();
  const cookie = [headers.cookie, csrf.cookie].filter(Boolean).join('; ');
  if (type.startsWith('multipart/form-data') && Buffer.isBuffer(payload)) {
    const boundary = /boundary=([^;]+)/.exec(type)?.[1] ?? '';
    const first = `--${boundary}\r\nContent-Disposition: form-data; name="${csrfFieldName}"\r\n\r\n${csrf.token}\r\n`;
    return {
      ...opts,
      payload: Buffer.concat([Buffer.from(first), payload]),
      headers: { ...headers, cookie },
    };
  }
  if (payload === undefined || typeof payload === 'string') {
    const params = new URLSearchParams(payload ?? '');
    params.append(csrfFieldName, csrf.token);
    return {
      ...opts,
      payload: params.toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers, cookie },
    };
  }
  return { ...opts, headers: { ...headers, 'x-csrf-token': csrf.token, cookie } };
}

/**
 * Sends every request as `as`: the session cookie for pages (beside any cookie the request brings), the API token
 * for /api/v1, unless the request sets its own; and, with `csrf`, a page form's CSRF token where it has none.
 */
export function injectAs(inject: FastifyInstance['inject'], as: SignedInAs, { csrf = true } = {}) {
  return (options: InjectOptions | string) => {
    const opts: InjectOptions = typeof options === 'string' ? { url: options } : options;
    const headers = { ...(opts.headers ?? {}) } as Record<string, string>;
    const url = typeof opts.url === 'string' ? opts.url : '';
    if (url.startsWith('/api/v1')) {
      headers.authorization ??= as.authorization;
      return inject({ ...opts, headers });
    }
    // A cookie header given empty means signed out; one without a session (a CSRF cookie, say) gets `as`'s session.
    if (headers.cookie !== '' && !(headers.cookie ?? '').includes(`${sessionCookieName}=`))
      headers.cookie = [headers.cookie, as.cookie].filter(Boolean).join('; ');
    const method = String(opts.method ?? 'GET').toUpperCase();
    if (csrf && stateChanging.has(method)) return inject(withCsrf(opts, headers));
    return inject({ ...opts, headers });
  };
}

export interface TestApp extends FastifyInstance {
  signedIn: SignedInAs;
  /** As `inject`, signed in, but a form goes with only the CSRF token and cookie it brings: for testing refusals. */
  injectWithoutCsrf: FastifyInstance['inject'];
}

/**
 * The app with `inject` sending requests as a signed-in administrator by default (`role` for another),
 * so tests of pages and API speak as a person would. `app.signedIn` is who that is.
 */
export async function buildTestApp(
  db: Db,
  options: { role?: UserRole; config?: Partial<Config> } = {},
): Promise<TestApp> {
  const config = readConfig({}, { actorName: 'Test Manager', ...options.config });
  const app = (await buildApp({ db, config })) as TestApp;
  const signedIn = await signedInUser(db, config, options.role ?? 'admin');
  const plainInject = app.inject.bind(app);
  app.signedIn = signedIn;
  app.inject = injectAs(plainInject, signedIn) as never;
  app.injectWithoutCsrf = injectAs(plainInject, signedIn, { csrf: false }) as never;
  return app;
}
