// Chromium and a running Headway for browser tests: the one place that gives a test a page on the app, so that
// signing in (when pages need it) is added here once.
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { readConfig, type Config } from '../config.js';
import type { Db } from '../db/connection.js';
import type { User } from '../people/users.js';
import { startServer } from '../server.js';
import { sessionCookieName } from '../signin/sessions.js';
import { signedInUser } from './testApp.js';

export const chromiumPath = process.env.HEADWAY_CHROMIUM ?? '/usr/bin/chromium';
const browserRequired = process.env.CI === 'true' || process.env.HEADWAY_REQUIRE_BROWSER === '1';

/** Whether browser tests can run; in CI, or with HEADWAY_REQUIRE_BROWSER=1, a missing Chromium is an error, not a skip. */
export function browserAvailable(): boolean {
  if (existsSync(chromiumPath)) return true;
  if (browserRequired)
    throw new Error(
      `Chromium is required (CI or HEADWAY_REQUIRE_BROWSER=1) but ${chromiumPath} does not exist`,
    );
  return false;
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-background-networking',
      '--disable-gpu',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

export interface BrowserApp {
  /** Where the app listens, e.g. http://127.0.0.1:41234 */
  url: string;
  db: Db;
  /** The administrator every page is signed in as, with their session cookie and API token headers. */
  user: User;
  cookie: string;
  authorization: string;
  /**
   * A page in a browser context of its own (its own cookies). `bypassCSP` turns the Content-Security-Policy off in
   * that context, for tests that must show the markup itself is safe, not only that the policy would catch it.
   * `cookie` signs the page in as someone else (their session cookie, as `signedInUser` gives it); `viewport` sets
   * its size in CSS pixels.
   */
  newPage(options?: {
    bypassCSP?: boolean;
    cookie?: string;
    viewport?: { width: number; height: number };
  }): Promise<Page>;
  close(): Promise<void>;
}

/**
 * Headway listening on a free port over the given database, and one Chromium for all the test's pages. `settings`
 * change the configuration, e.g. the mail server its worker sends through.
 */
export async function startBrowserApp(db: Db, settings: Partial<Config> = {}): Promise<BrowserApp> {
  const config = readConfig(
    {},
    { port: 0, host: '127.0.0.1', databaseUrl: ':memory:', logLevel: 'warn', ...settings },
  );
  const signedIn = await signedInUser(db, config, 'admin', 'Browser Administrator');
  const server = await startServer(
    config,
    // The database belongs to the test, which closes it; the server must leave it open when it stops.
    { db: { ...db, close: async () => {} } },
  );
  const browser = await launchBrowser();
  return {
    url: server.url,
    db,
    user: signedIn.user,
    cookie: signedIn.cookie,
    authorization: signedIn.authorization,
    async newPage(options = {}) {
      const context = await browser.newContext({
        bypassCSP: options.bypassCSP ?? false,
        ...(options.viewport ? { viewport: options.viewport } : {}),
      });
      const [, secret] = (options.cookie ?? signedIn.cookie).split('=');
      await context.addCookies([{ name: sessionCookieName, value: secret!, url: server.url }]);
      return context.newPage();
    },
    async close() {
      await browser.close();
      await server.close();
    },
  };
}
