import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from './cli.js';
import { openDatabase } from './db/connection.js';
import { openTestDatabase, postgresReachable } from './testing/databases.js';
import { readConfig } from './config.js';
import { startServer } from './server.js';

const folders: string[] = [];
function tempDatabase(): string {
  const folder = mkdtempSync(join(tmpdir(), 'headway-cli-'));
  folders.push(folder);
  return join(folder, 'nested', 'headway.db');
}

afterEach(() => {
  vi.restoreAllMocks();
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

async function planSlugs(url: string): Promise<string[]> {
  const db = openDatabase(url);
  try {
    return (await db.kysely.selectFrom('plans').select('slug').orderBy('slug').execute()).map((p) => p.slug);
  } finally {
    await db.close();
  }
}

describe('headway CLI', () => {
  it('migrates a new SQLite file, creating its folder, and says when there is nothing to do', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const url = tempDatabase();
    expect(await main(['migrate'], { DATABASE_URL: url })).toBe(0);
    expect(log.mock.calls.flat().join('\n')).toMatch(
      /Applied \d+ migration\(s\): 001-plans-themes-actions, 002-/,
    );
    expect(await main(['migrate'], { DATABASE_URL: url })).toBe(0);
    expect(log.mock.calls.flat().join('\n')).toContain('The database is up to date.');
  });

  it('loads the two sample plans once, on SQLite', async () => {
    vi.spyOn(console, 'log').mockImplementation(() => {});
    const url = tempDatabase();
    expect(await main(['demo'], { DATABASE_URL: url })).toBe(0);
    expect(await main(['demo'], { DATABASE_URL: url })).toBe(0);
    expect(await planSlugs(url)).toEqual(['culture-action-plan', 'staff-survey-2021']);
  });

  it('loads the two sample plans on PostgreSQL when DATABASE_URL says so', async (context) => {
    if (!(await postgresReachable())) return context.skip();
    vi.spyOn(console, 'log').mockImplementation(() => {});
    const test = await openTestDatabase('postgres');
    try {
      expect(await main(['demo'], { DATABASE_URL: test.url })).toBe(0);
      expect(await planSlugs(test.url)).toEqual(['culture-action-plan', 'staff-survey-2021']);
    } finally {
      await test.close();
    }
  });

  it('refuses an unknown command or a bad setting with a message and a non-zero code', async () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    expect(await main(['frobnicate'], {})).toBe(2);
    expect(error.mock.calls.flat().join('\n')).toContain('unknown command "frobnicate"');
    expect(await main(['migrate'], { DATABASE_URL: 'mysql://nope' })).toBe(2);
    expect(error.mock.calls.flat().join('\n')).toContain('DATABASE_URL must be');
    expect(await main(['serve', '--colour'], {})).toBe(2);
  });
});

describe('server', () => {
  it('listens, answers /healthz and shows the plans page', async () => {
    const url = tempDatabase();
    const server = await startServer(readConfig({}, { port: 0, databaseUrl: url, logLevel: 'silent' }));
    try {
      const health = await fetch(`${server.url}/healthz`);
      expect(health.status).toBe(200);
      expect(await health.json()).toEqual({ status: 'ok', database: 'sqlite' });
      const plans = await fetch(`${server.url}/plans`, { redirect: 'manual' });
      expect(plans.status).toBe(303);
      expect(plans.headers.get('location')).toBe('/sign-in?returnTo=%2Fplans');
      const signIn = await fetch(`${server.url}/sign-in`);
      expect(await signIn.text()).toContain('No one has an account yet');
      expect(signIn.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    } finally {
      await server.close();
    }
  });
});
