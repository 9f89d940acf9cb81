// Fresh, empty databases for one benchmark run: a SQLite file under .bench/ and a throwaway PostgreSQL database.
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';

export interface BenchDatabase {
  label: 'SQLite' | 'PostgreSQL';
  url: string;
  /** Removes what the run created; safe to call once the server has closed its connections. */
  dispose(): Promise<void>;
}

/** A new file each run; it is kept afterwards (.bench/ is git-ignored) so a slow query can be looked into. */
export async function freshSqlite(projectRoot: string, name = 'plan-load.db'): Promise<BenchDatabase> {
  const file = join(projectRoot, '.bench', name);
  for (const suffix of ['', '-wal', '-shm']) await rm(file + suffix, { force: true });
  return { label: 'SQLite', url: file, dispose: async () => {} };
}

export type PostgresOutcome = { database: BenchDatabase } | { unreachable: string };

/** Creates `headway_bench_<random>` next to the admin URL's database, or says why it could not. */
export async function freshPostgres(adminUrl: string): Promise<PostgresOutcome> {
  const admin = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 3000 });
  try {
    await admin.connect();
  } catch (error) {
    await admin.end().catch(() => {});
    return { unreachable: error instanceof Error ? error.message : String(error) };
  }
  const name = `headway_bench_${randomBytes(6).toString('hex')}`;
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    database: {
      label: 'PostgreSQL',
      url: url.toString(),
      dispose: () => dropDatabase(adminUrl, name),
    },
  };
}

async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`drop database if exists ${name} with (force)`);
  } finally {
    await admin.end();
  }
}

/** The URL with its password hidden, for printing. */
export function withoutPassword(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}
