// Runs a block of tests once on SQLite and once on PostgreSQL, each on a fresh database of its own.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, inject } from 'vitest';
import { openDatabase, type Db, type DialectName } from '../db/connection.js';
import { migrateToLatest } from '../db/migrations.js';
import { postgresAdminUrl, withDatabase } from './postgresUrl.js';

export { postgresAdminUrl };

/** In CI PostgreSQL must be there: a missing server fails the run instead of skipping its tests. */
export const postgresRequired = process.env.CI === 'true' || process.env.HEADWAY_REQUIRE_POSTGRES === '1';

let reachable: Promise<boolean> | undefined;
export function postgresReachable(): Promise<boolean> {
  reachable ??= (async () => {
    const client = new pg.Client({ connectionString: postgresAdminUrl, connectionTimeoutMillis: 2000 });
    try {
      await client.connect();
      await client.end();
      return true;
    } catch {
      return false;
    }
  })();
  return reachable;
}

export interface TestDatabase {
  db: Db;
  url: string;
  close(): Promise<void>;
}

/** The migrated database of this run to copy (src/testing/postgresTemplate.ts), if there is one. */
function postgresTemplate(): string | null {
  try {
    return inject('postgresTemplate') ?? null;
  } catch {
    // Outside a vitest run (a script using these helpers): no template, each database migrates its own.
    return null;
  }
}

/** A new, migrated, empty database: in memory for SQLite, a database of its own for PostgreSQL. */
export async function openTestDatabase(
  dialect: DialectName,
  options: { onQuery?: (sql: string) => void } = {},
): Promise<TestDatabase> {
  if (dialect === 'sqlite') {
    const db = openDatabase(':memory:', options);
    await migrateToLatest(db);
    return { db, url: ':memory:', close: () => db.close() };
  }
  const name = `headway_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: postgresAdminUrl });
  await admin.connect();
  // A copy of the run's migrated template is much quicker than migrating step by step; migrating after it only
  // confirms that nothing is left to run.
  const template = postgresTemplate();
  await admin.query(`create database ${name}${template ? ` template ${template}` : ''}`);
  await admin.end();
  const url = withDatabase(postgresAdminUrl, name);
  const db = openDatabase(url, options);
  await migrateToLatest(db);
  return {
    db,
    url,
    async close() {
      await db.close();
      const dropper = new pg.Client({ connectionString: postgresAdminUrl });
      await dropper.connect();
      // Connections the pool is still closing are left to finish, so none is killed mid-goodbye.
      for (let wait = 0; wait < 50; wait++) {
        const { rows } = await dropper.query(
          'select count(*)::int as n from pg_stat_activity where datname = $1',
          [name],
        );
        if (rows[0].n === 0) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      await dropper.query(`drop database if exists ${name} with (force)`);
      await dropper.end();
    },
  };
}

const postgresAvailable = await postgresReachable();
if (postgresRequired && !postgresAvailable) {
  throw new Error(
    `PostgreSQL is required (CI or HEADWAY_REQUIRE_POSTGRES=1) but ${postgresAdminUrl} cannot be reached`,
  );
}

/**
 * Declares the same tests for each database. `current()` gives the database of the block being run.
 * Without a reachable PostgreSQL (and outside CI) the PostgreSQL block is skipped, visibly.
 */
export function describeEachDatabase(
  name: string,
  body: (current: () => Db, dialect: DialectName) => void,
): void {
  for (const dialect of ['sqlite', 'postgres'] as const) {
    const run = dialect === 'postgres' && !postgresAvailable ? describe.skip : describe;
    run(`${name} [${dialect}]`, () => {
      let test: TestDatabase | undefined;
      beforeAll(async () => {
        test = await openTestDatabase(dialect);
      });
      afterAll(async () => {
        await test?.close();
      });
      body(() => {
        if (!test) throw new Error('The test database is not open yet');
        return test.db;
      }, dialect);
    });
  }
}

/**
 * A new, migrated database that a server process or the command line could open too: a file in `folder` for SQLite
 * (an in-memory one is this process's alone), a database of its own for PostgreSQL.
 */
export async function openServableTestDatabase(dialect: DialectName, folder: string): Promise<TestDatabase> {
  if (dialect === 'postgres') return openTestDatabase('postgres');
  const url = join(folder, `headway-${randomBytes(6).toString('hex')}.db`);
  const db = openDatabase(url);
  await migrateToLatest(db);
  return { db, url, close: () => db.close() };
}
