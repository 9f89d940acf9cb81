// What the reliability benchmarks share: a fresh database with a plan and a signed-in writer, the API calls they
// make, and the percentiles and load figures they report.
import os from 'node:os';
import { readConfig } from '../../src/config.js';
import { openDatabase } from '../../src/db/connection.js';
import { inTransaction } from '../../src/db/transaction.js';
import { migrateToLatest } from '../../src/db/migrations.js';
import { createPlan } from '../../src/plans/planCommands.js';
import { signedInUser, type SignedInAs } from '../../src/testing/testApp.js';
import {
  freshPostgres,
  freshSqlite,
  withoutPassword,
  type BenchDatabase,
} from '../planLoad/benchDatabases.js';

export interface Prepared {
  database: BenchDatabase;
  writer: SignedInAs;
  slug: string;
}

/** A fresh database of this kind with one plan and an administrator signed in; undefined if PostgreSQL is away. */
export async function prepareDatabase(
  dialect: 'sqlite' | 'postgres',
  projectRoot: string,
  fileName: string,
  postgresAdminUrl: string,
  say: (line: string) => void,
  seed?: (db: ReturnType<typeof openDatabase>) => Promise<void>,
): Promise<Prepared | undefined> {
  let database: BenchDatabase;
  if (dialect === 'sqlite') database = await freshSqlite(projectRoot, fileName);
  else {
    const outcome = await freshPostgres(postgresAdminUrl);
    if (!('database' in outcome)) {
      say(
        `PostgreSQL not measured: ${withoutPassword(postgresAdminUrl)} could not be reached (${outcome.unreachable}).`,
      );
      return undefined;
    }
    database = outcome.database;
  }
  const db = openDatabase(database.url);
  try {
    await migrateToLatest(db);
    const writer = await signedInUser(db, readConfig({}), 'admin', 'Benchmark writer');
    const plan = await inTransaction(db, (trx) =>
      createPlan(trx, { name: 'Benchmark loader' }, { title: 'Reliability benchmark', slug: 'reliability' }),
    );
    await seed?.(db);
    return { database, writer, slug: plan.slug };
  } finally {
    await db.close();
  }
}

export function postAction(
  base: string,
  prepared: Prepared,
  title: string,
  owner: string,
): Promise<Response> {
  return fetch(`${base}/api/v1/plans/${prepared.slug}/actions`, {
    method: 'POST',
    headers: { authorization: prepared.writer.authorization, 'content-type': 'application/json' },
    body: JSON.stringify({ title, owners: [owner] }),
  });
}

export function postUpdate(
  base: string,
  prepared: Prepared,
  actionId: string,
  body: string,
  statusChange?: string,
): Promise<Response> {
  return fetch(`${base}/api/v1/plans/${prepared.slug}/actions/${actionId}/updates`, {
    method: 'POST',
    headers: { authorization: prepared.writer.authorization, 'content-type': 'application/json' },
    body: JSON.stringify({ body, ...(statusChange ? { statusChange } : {}) }),
  });
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** The one-, five- and fifteen-minute load averages: the machine is shared, and figures mean little without them. */
export function loadAverage(): string {
  return os
    .loadavg()
    .map((n) => n.toFixed(2))
    .join(', ');
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
