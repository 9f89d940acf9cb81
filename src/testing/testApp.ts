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

/** Sends every request as `as`: the session cookie for pages, the API token for /api/v1, unless the request sets its own. */
export function injectAs(inject: FastifyInstance['inject'], as: SignedInAs) {
  return (options: InjectOptions | string) => {
    const opts: InjectOptions = typeof options === 'string' ? { url: options } : options;
    const headers = { ...(opts.headers ?? {}) } as Record<string, string>;
    const url = typeof opts.url === 'string' ? opts.url : '';
    if (url.startsWith('/api/v1')) headers.authorization ??= as.authorization;
    else headers.cookie ??= as.cookie;
    return inject({ ...opts, headers });
  };
}

export interface TestApp extends FastifyInstance {
  signedIn: SignedInAs;
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
  return app;
}
