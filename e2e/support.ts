// Starts a real Headway server with the sample plans and a real Chromium for browser journeys.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readConfig } from '../src/config.js';
import { openDatabase } from '../src/db/connection.js';
import { migrateToLatest } from '../src/db/migrations.js';
import { loadDemo } from '../src/demo/loadDemo.js';
import { startServer, type RunningServer } from '../src/server.js';

export { browserAvailable, launchBrowser } from '../src/testing/browser.js';

export interface DemoServer extends RunningServer {
  folder: string;
}

/** A server on a free port over a fresh SQLite file holding the two sample plans. */
export async function startDemoServer(): Promise<DemoServer> {
  const folder = mkdtempSync(join(tmpdir(), 'headway-e2e-'));
  const databaseUrl = join(folder, 'headway.db');
  const db = openDatabase(databaseUrl);
  await migrateToLatest(db);
  await loadDemo(db, { name: 'Headway demo' });
  const server = await startServer(
    readConfig({}, { port: 0, host: '127.0.0.1', databaseUrl, logLevel: 'warn' }),
    { db },
  );
  return {
    ...server,
    folder,
    async close() {
      await server.close();
      rmSync(folder, { recursive: true, force: true });
    },
  };
}
