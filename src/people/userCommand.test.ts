import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { buildApp } from '../app.js';
import { main } from '../cli.js';
import { readConfig } from '../config.js';
import { openDatabase } from '../db/connection.js';
import { inTransaction } from '../db/transaction.js';
import { createPasswordLink } from '../signin/passwordLinks.js';
import {
  describeEachDatabase,
  openTestDatabase,
  postgresReachable,
  type TestDatabase,
} from '../testing/databases.js';
import { formPost, sessionCookieHeader, sessionCookieSet } from '../testing/people.js';

const folders: string[] = [];
afterEach(() => {
  vi.restoreAllMocks();
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

/** A database that the CLI and the app each open by URL: a file for SQLite, a database of its own for PostgreSQL. */
async function databaseUrl(dialect: 'sqlite' | 'postgres'): Promise<{ url: string; close(): Promise<void> }> {
  if (dialect === 'sqlite') {
    const folder = mkdtempSync(join(tmpdir(), 'headway-user-'));
    folders.push(folder);
    return { url: join(folder, 'headway.db'), close: async () => {} };
  }
  const test: TestDatabase = await openTestDatabase('postgres');
  await test.db.close();
  return { url: test.url, close: () => test.close() };
}

async function withApp<T>(url: string, work: (app: Awaited<ReturnType<typeof buildApp>>) => Promise<T>) {
  const db = openDatabase(url);
  const app = await buildApp({ db, config: readConfig({}, { databaseUrl: url }) });
  try {
    return await work(app);
  } finally {
    await app.close();
    await db.close();
  }
}

describe('headway user add', () => {
  for (const dialect of ['sqlite', 'postgres'] as const)
    it(`prints a one-time link that sets the password of a new administrator (${dialect})`, async (context) => {
      if (dialect === 'postgres' && !(await postgresReachable())) return context.skip();
      const database = await databaseUrl(dialect);
      try {
        const log = vi.spyOn(console, 'log').mockImplementation(() => {});
        const env = { DATABASE_URL: database.url, HEADWAY_PUBLIC_URL: 'https://headway.example.org/' };
        expect(await main(['user', 'add', '--admin', '--name', 'Ada Admin', 'Ada@Example.org'], env)).toBe(0);
        const printed = log.mock.calls.flat().join('\n');
        expect(printed).toContain('Added Ada Admin <ada@example.org> as admin.');
        const link = /https:\/\/headway\.example\.org(\/setup\/[A-Za-z0-9_-]+)/.exec(printed)?.[1];
        expect(link).toBeDefined();

        const error = vi.spyOn(console, 'error').mockImplementation(() => {});
        expect(await main(['user', 'add', 'ada@example.org'], env)).toBe(1);
        expect(error.mock.calls.flat().join('\n')).toContain(
          'There is already a user with the e-mail address',
        );
        expect(await main(['user', 'add', '--admin', '--role', 'viewer', 'x@example.org'], env)).toBe(2);

        await withApp(database.url, async (app) => {
          expect((await app.inject(link!)).body).toContain('ada@example.org');
          const set = await app.inject(
            formPost(link!, {
              password: 'the administrator chose',
              confirmPassword: 'the administrator chose',
            }),
          );
          expect(set.statusCode).toBe(303);
          const cookie = sessionCookieHeader(sessionCookieSet(set)!.value);
          expect((await app.inject({ url: '/admin/users', headers: { cookie } })).statusCode).toBe(200);
          expect((await app.inject(link!)).statusCode).toBe(404);
          const signIn = await app.inject(
            formPost('/sign-in', { email: 'ada@example.org', password: 'the administrator chose' }),
          );
          expect(signIn.statusCode).toBe(303);
        });
      } finally {
        await database.close();
      }
    });
});

describeEachDatabase('the first administrator', (current) => {
  it('is made at the one-time set-up link on a fresh install, which then works no more', async () => {
    const db = current();
    const app = await buildApp({ db, config: readConfig({}, {}) });
    try {
      const [link, spare] = await inTransaction(db, async (trx) => [
        await createPasswordLink(trx, null, 24),
        await createPasswordLink(trx, null, 24),
      ]);
      const page = await app.inject(`/setup/${link}`);
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('Create the first administrator');
      const bad = await app.inject(
        formPost(`/setup/${link}`, {
          name: 'Ada',
          email: 'ada@example.org',
          password: 'short',
          confirmPassword: 'short',
        }),
      );
      expect(bad.statusCode).toBe(400);
      expect(bad.body).toContain('value="ada@example.org"');
      expect(bad.body).not.toContain('value="short"');
      // A refused try does not use the link up.
      const made = await app.inject(
        formPost(`/setup/${link}`, {
          name: 'Ada',
          email: 'ada@example.org',
          password: 'first administrator here',
          confirmPassword: 'first administrator here',
        }),
      );
      expect(made.statusCode).toBe(303);
      const cookie = sessionCookieSet(made)!;
      expect(
        (await app.inject({ url: '/admin/users', headers: { cookie: sessionCookieHeader(cookie.value) } }))
          .statusCode,
      ).toBe(200);
      expect((await app.inject(`/setup/${link}`)).statusCode).toBe(404);
      expect((await app.inject(`/setup/${spare}`)).statusCode).toBe(404);
    } finally {
      await app.close();
    }
  });
});
