import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from './connection.js';
import { openTestDatabase, postgresReachable } from '../testing/databases.js';

describe('the SQLite connection', () => {
  const folder = mkdtempSync(join(tmpdir(), 'headway-connection-'));
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it('writes ahead to a log and waits for the disk at every commit, so an acknowledged write survives a crash', async () => {
    const db = openDatabase(join(folder, 'headway.db'));
    try {
      const mode = await sql<{ journal_mode: string }>`pragma journal_mode`.execute(db.kysely);
      const sync = await sql<{ synchronous: number }>`pragma synchronous`.execute(db.kysely);
      expect(mode.rows[0]?.journal_mode).toBe('wal');
      // 2 is FULL; NORMAL (1) would leave the last commits in the operating system's cache.
      expect(sync.rows[0]?.synchronous).toBe(2);
    } finally {
      await db.close();
    }
  });
});

describe('the PostgreSQL connection', () => {
  it('leaves PostgreSQL its own durability: a commit waits for the flushed WAL', async (context) => {
    if (!(await postgresReachable())) return context.skip();
    const test = await openTestDatabase('postgres');
    try {
      const setting = await sql<{ synchronous_commit: string }>`show synchronous_commit`.execute(
        test.db.kysely,
      );
      expect(setting.rows[0]?.synchronous_commit).toBe('on');
    } finally {
      await test.close();
    }
  });
});
