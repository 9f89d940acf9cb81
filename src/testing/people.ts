// Test helpers for people and sign-in: users with passwords, form posts, and the session cookie a response sets.
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import type { Db } from '../db/connection.js';
import type { UserRole, UserRow } from '../db/schema.js';
import { inTransaction } from '../db/transaction.js';
import { createUser } from '../people/userCommands.js';
import { sessionCookieName } from '../signin/sessions.js';
import { csrfFieldName } from '../web/csrf.js';
import { browserCsrf } from './forms.js';

export const testPassword = 'correct horse battery staple';

let counter = 0;

/** A user who signs in with `testPassword` (or `password`), with a unique e-mail address. */
export function makeUser(
  db: Db,
  input: { role?: UserRole; name?: string; email?: string; password?: string } = {},
): Promise<UserRow> {
  counter += 1;
  const email = input.email ?? `person-${Date.now().toString(36)}-${counter}@example.org`;
  return inTransaction(db, (trx) =>
    createUser(
      trx,
      { name: 'Test set-up' },
      {
        email,
        name: input.name ?? `Person ${counter}`,
        role: input.role ?? 'viewer',
        password: input.password ?? testPassword,
      },
    ),
  );
}

/** An HTML form post, as a browser sends it from a Headway page: with its CSRF token and that token's cookie. */
export function formPost(
  url: string,
  fields: Record<string, string>,
  headers: Record<string, string> = {},
): InjectOptions {
  const csrf = browserCsrf();
  return {
    method: 'POST',
    url,
    payload: new URLSearchParams({ [csrfFieldName]: csrf.token, ...fields }).toString(),
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...headers,
      // A cookie header given empty means signed out: it says so, so that no session is added to it.
      cookie: [headers.cookie === '' ? `${sessionCookieName}=` : headers.cookie, csrf.cookie]
        .filter(Boolean)
        .join('; '),
    },
  };
}

/** The session cookie a response sets, as the Set-Cookie header says it (undefined when none is set). */
export function sessionCookieSet(response: LightMyRequestResponse) {
  return response.cookies.find((cookie) => cookie.name === sessionCookieName && cookie.value !== '');
}

export function sessionCookieHeader(value: string): string {
  return `${sessionCookieName}=${value}`;
}
