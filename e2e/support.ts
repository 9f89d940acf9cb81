// Starts a real Headway server with the sample plans and a real Chromium for browser journeys.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { readConfig, type Config } from '../src/config.js';
import { openDatabase } from '../src/db/connection.js';
import { migrateToLatest } from '../src/db/migrations.js';
import { ensureDemoAccounts, type DemoAccount } from '../src/demo/demoAccounts.js';
import { loadDemo } from '../src/demo/loadDemo.js';
import { startServer, type RunningServer } from '../src/server.js';

export { browserAvailable, launchBrowser } from '../src/testing/browser.js';

export interface DemoServer extends RunningServer {
  folder: string;
  /** The demo's accounts with this run's passwords: the administrator first. */
  accounts: DemoAccount[];
}

/** Signs in through the sign-in page, as a person would. */
export async function signIn(page: Page, server: DemoServer, account = server.accounts[0]!): Promise<void> {
  await page.goto(`${server.url}/sign-in`);
  await page.getByLabel('E-mail address').fill(account.email);
  await page.getByLabel('Password').fill(account.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${server.url}/plans`);
}

/** A server on a free port (unless `settings` names one) over a fresh SQLite file holding the two sample plans. */
export async function startDemoServer(settings: Partial<Config> = {}): Promise<DemoServer> {
  const folder = mkdtempSync(join(tmpdir(), 'headway-e2e-'));
  const databaseUrl = join(folder, 'headway.db');
  const db = openDatabase(databaseUrl);
  await migrateToLatest(db);
  await loadDemo(db, { name: 'Headway demo' });
  const accounts = await ensureDemoAccounts(db);
  const server = await startServer(
    readConfig({}, { port: 0, host: '127.0.0.1', databaseUrl, logLevel: 'warn', ...settings }),
    { db },
  );
  return {
    ...server,
    folder,
    accounts,
    async close() {
      await server.close();
      rmSync(folder, { recursive: true, force: true });
    },
  };
}
