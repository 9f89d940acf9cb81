// The plan-load benchmark on one database: load the data through the commands, start the real server, measure.
import { readConfig } from '../../src/config.js';
import { openDatabase, type Db } from '../../src/db/connection.js';
import { migrateToLatest } from '../../src/db/migrations.js';
import { startServer } from '../../src/server.js';
import type { BenchDatabase } from './benchDatabases.js';
import { loadPlans } from './loadPlans.js';
import {
  checkResponse,
  measure,
  type LoadSettings,
  type Measurement,
  type ResponseCheck,
} from './loadTest.js';
import type { PlanSpec } from './planData.js';
import { signedInUser } from '../../src/testing/testApp.js';

export interface TargetResult {
  target: string;
  path: string;
  check: ResponseCheck;
  measurement?: Measurement;
}

export interface DatabaseResult {
  database: BenchDatabase['label'];
  generationSeconds: number;
  rows: { plans: number; actions: number; updates: number };
  targets: TargetResult[];
}

/** The measured plan's own references look like P01-0001; other plans use P02-, P03- ... */
const measuredRefs = /\bP01-\d{4}\b/g;

export async function runPlanLoad(
  database: BenchDatabase,
  plans: PlanSpec[],
  settings: LoadSettings,
  say: (line: string) => void,
): Promise<DatabaseResult> {
  const db = openDatabase(database.url);
  let serverOwnsDb = false;
  try {
    await migrateToLatest(db);
    say(`${database.label}: writing ${describeCounts(plans)} through the commands ...`);
    const started = performance.now();
    await loadPlans(db, plans);
    const generationSeconds = (performance.now() - started) / 1000;
    const rows = await countRows(db);
    say(`${database.label}: data written in ${generationSeconds.toFixed(1)} s (${JSON.stringify(rows)})`);

    const config = readConfig(
      {},
      { port: 0, host: '127.0.0.1', databaseUrl: database.url, logLevel: 'warn' },
    );
    // Requests come from a signed-in administrator: the page with a session cookie, the API with a token.
    const reader = await signedInUser(db, config, 'admin', 'Benchmark reader');
    const server = await startServer(config, { db });
    serverOwnsDb = true;
    try {
      const slug = plans[0]!.input.slug;
      const targets: { target: string; path: string; headers: Record<string, string> }[] = [
        { target: 'Plan page', path: `/plans/${slug}`, headers: { cookie: reader.cookie } },
        {
          target: 'Export (JSON)',
          path: `/api/v1/plans/${slug}/export.json`,
          headers: { authorization: reader.authorization },
        },
      ];
      const results: TargetResult[] = [];
      for (const { target, path, headers } of targets)
        results.push(await measureTarget(server.url, target, path, headers, settings, say));
      return { database: database.label, generationSeconds, rows, targets: results };
    } finally {
      await server.close();
    }
  } finally {
    if (!serverOwnsDb) await db.close();
  }
}

async function measureTarget(
  baseUrl: string,
  target: string,
  path: string,
  headers: Record<string, string>,
  settings: LoadSettings,
  say: (line: string) => void,
): Promise<TargetResult> {
  const url = baseUrl + path;
  const check = await checkResponse(url, measuredRefs, headers);
  say(
    `  ${target} ${path}: ${check.status}, ${(check.bytes / 1024).toFixed(0)} KB, names ${check.actionsShown} actions`,
  );
  // Load-testing an error page would measure the wrong thing; the failed check is reported instead.
  if (check.status !== 200) return { target, path, check };
  say(
    `  ${target}: ${settings.warmUpSeconds} s warm-up, then ${settings.seconds} s at ${settings.connections} connections ...`,
  );
  const measurement = await measure(url, settings, headers);
  say(
    `  ${target}: ${measurement.requestsPerSecond.toFixed(1)} requests/s, p50 ${measurement.p50Ms} ms, p99 ${measurement.p99Ms} ms`,
  );
  return { target, path, check, measurement };
}

async function countRows(db: Db) {
  const count = async (table: 'plans' | 'actions' | 'updates') => {
    const row = await db.kysely
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  };
  return { plans: await count('plans'), actions: await count('actions'), updates: await count('updates') };
}

export function describeCounts(plans: PlanSpec[]): string {
  const actions = plans.reduce((sum, plan) => sum + plan.actions.length, 0);
  const updates = plans.reduce(
    (sum, plan) =>
      sum +
      plan.actions.reduce((n, action) => n + action.updates.length, 0) +
      plan.themes.reduce((n, theme) => n + theme.updates.length, 0),
    0,
  );
  return `${plans.length} plans, ${actions.toLocaleString('en-GB')} actions, ${updates.toLocaleString('en-GB')} updates`;
}
