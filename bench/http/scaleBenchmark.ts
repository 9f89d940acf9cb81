// Cost grows with the plan, not the database: the same 500-action plan's page and list of 500 on PostgreSQL, measured
// at 5,000 actions in the database and again, in the same run, after 100,000 actions and 1,000,000 updates.
import { join } from 'node:path';
import { sql } from 'kysely';
import { readConfig } from '../../src/config.js';
import { openDatabase, type Db } from '../../src/db/connection.js';
import { migrateToLatest } from '../../src/db/migrations.js';
import { startServerProcess } from '../../src/testing/serverProcess.js';
import { signedInUser } from '../../src/testing/testApp.js';
import { describeMachine } from '../machine.js';
import type { BenchOptions } from '../options.js';
import { rewriteSection } from '../performanceDoc.js';
import { freshPostgres, withoutPassword } from '../planLoad/benchDatabases.js';
import { describeCounts } from '../planLoad/planLoadBenchmark.js';
import { describePlans } from '../planLoad/planData.js';
import { bulkLoadPlans, scalePlans, type ScaleSize } from './bulkLoad.js';
import { wrk, wrkAvailable, type WrkResult } from './wrk.js';

const projectRoot = join(import.meta.dirname, '..', '..');

/** What the database grows to: 200 plans, 100,000 actions, 1,000,000 updates (a tenth of that when quick). */
const fullTotal = { plans: 200, actions: 100_000, updates: 1_000_000 };
const quickTotal = { plans: 20, actions: 10_000, updates: 100_000 };

interface Stage {
  label: string;
  counts: { plans: number; actions: number; updates: number; history: number };
  results: { shape: string; result: WrkResult }[];
}

export async function scaleBenchmark(options: BenchOptions, say: (line: string) => void): Promise<number> {
  if (!(await wrkAvailable())) {
    say('The scale benchmark needs wrk: apt-get install -y wrk.');
    return 1;
  }
  const outcome = await freshPostgres(options.postgresAdminUrl);
  if (!('database' in outcome)) {
    say(
      `PostgreSQL could not be reached at ${withoutPassword(options.postgresAdminUrl)} (${outcome.unreachable}).`,
    );
    return 1;
  }
  const database = outcome.database;
  const plans = describePlans(options.size, options.seed);
  const slug = plans[0]!.input.slug;
  const total = options.quick ? quickTotal : fullTotal;
  const growth: ScaleSize = {
    plans: total.plans - options.size.plans,
    actionsPerPlan: (total.actions - options.size.actions) / (total.plans - options.size.plans),
    updates: total.updates - options.size.updates,
  };
  const db = openDatabase(database.url);
  try {
    await migrateToLatest(db);
    say(`Scale benchmark on PostgreSQL: writing ${describeCounts(plans)} in bulk ...`);
    let started = performance.now();
    await bulkLoadPlans(db, plans, { statusChanges: true });
    const baseSeconds = (performance.now() - started) / 1000;
    const config = readConfig(
      {},
      { port: 0, host: '127.0.0.1', databaseUrl: database.url, logLevel: 'warn' },
    );
    const reader = await signedInUser(db, config, 'admin', 'Benchmark reader');
    const targets: { shape: string; path: string; headers: Record<string, string> }[] = [
      { shape: 'plan page', path: `/plans/${slug}`, headers: { cookie: reader.cookie } },
      {
        shape: 'list 500',
        path: `/api/v1/plans/${slug}/actions?limit=500`,
        headers: { authorization: reader.authorization },
      },
    ];
    const stages: Stage[] = [];
    stages.push(await measureStage('base', db, database.url, targets, options, say));

    say(
      `Adding ${growth.plans} plans of ${growth.actionsPerPlan} actions and ${growth.updates.toLocaleString('en-GB')} updates in bulk ...`,
    );
    started = performance.now();
    let written = 0;
    const progress = setInterval(() => say(`  ... ${written} of ${growth.plans} plans written`), 30_000);
    try {
      await bulkLoadPlans(
        db,
        (function* () {
          for (const plan of scalePlans(growth, options.seed)) {
            yield plan;
            written += 1;
          }
        })(),
        { statusChanges: false },
      );
    } finally {
      clearInterval(progress);
    }
    const growthSeconds = (performance.now() - started) / 1000;
    say(`Written in ${growthSeconds.toFixed(0)} s.`);
    stages.push(await measureStage('grown', db, database.url, targets, options, say));

    const section = scaleSection(options, stages, baseSeconds, growthSeconds);
    say(`\n${section}\n`);
    const failed = stages.flatMap((s) => s.results).filter((r) => r.result.errors > 0);
    if (failed.length > 0) {
      say('!!!!!!!! BENCHMARK FAILED: some requests failed; docs/performance.md was left unchanged.');
      return 1;
    }
    if (options.writeDocs) {
      await rewriteSection(join(projectRoot, 'docs', 'performance.md'), 'scale', section);
      say('Figures written to docs/performance.md.');
    }
    return 0;
  } finally {
    await db.close();
    await database.dispose();
  }
}

async function measureStage(
  label: string,
  db: Db,
  databaseUrl: string,
  targets: { shape: string; path: string; headers: Record<string, string> }[],
  options: BenchOptions,
  say: (line: string) => void,
): Promise<Stage> {
  // Fresh planner statistics, as autovacuum would have gathered after a load this size.
  await sql`analyze`.execute(db.kysely);
  const counts = await countRows(db);
  say(`Measuring with ${JSON.stringify(counts)} (the cache off: every request builds its response) ...`);
  const server = await startServerProcess({
    databaseUrl,
    env: { HEADWAY_CACHE_MB: '0' },
    startTimeoutMs: 180_000,
  });
  try {
    const results = [];
    for (const { shape, path, headers } of targets) {
      const settings = { connections: options.connections, seconds: options.seconds };
      await wrk(server.url + path, { ...settings, seconds: options.warmUpSeconds }, headers);
      const result = await wrk(server.url + path, settings, headers);
      say(
        `  ${shape}: ${result.requestsPerSecond.toFixed(1)} req/s, p50 ${result.p50Ms.toFixed(1)} ms, p99 ${result.p99Ms.toFixed(1)} ms`,
      );
      results.push({ shape, result });
    }
    return { label, counts, results };
  } finally {
    await server.stop();
  }
}

async function countRows(db: Db): Promise<Stage['counts']> {
  const count = async (table: 'plans' | 'actions' | 'updates' | 'history') =>
    Number(
      (
        await db.kysely
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  return {
    plans: await count('plans'),
    actions: await count('actions'),
    updates: await count('updates'),
    history: await count('history'),
  };
}

function scaleSection(
  options: BenchOptions,
  stages: Stage[],
  baseSeconds: number,
  growthSeconds: number,
): string {
  const [base, grown] = stages as [Stage, Stage];
  const describe = (s: Stage) =>
    `${s.counts.plans} plans, ${s.counts.actions.toLocaleString('en-GB')} actions, ${s.counts.updates.toLocaleString('en-GB')} updates`;
  const lines = [
    `Last run ${new Date().toISOString().slice(0, 10)} with \`${options.command}\` on ${describeMachine()}.`,
    '',
    `Written in bulk through the import's commands (history and search index included): ${describe(base)} in ${baseSeconds.toFixed(0)} s, then up to ${describe(grown)} (${grown.counts.history.toLocaleString('en-GB')} history rows) in ${growthSeconds.toFixed(0)} s more.`,
    `Load: wrk, ${options.connections} connections, ${options.seconds} s per shape, the cache off (HEADWAY_CACHE_MB=0), on the same 500-action plan before and after.`,
    '',
    '| shape | p99 at base (ms) | p99 grown (ms) | ratio (target ≤ 1.5×) | req/s at base | req/s grown |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const { shape, result } of base.results) {
    const after = grown.results.find((r) => r.shape === shape)!.result;
    const ratio = after.p99Ms / result.p99Ms;
    lines.push(
      `| ${shape} | ${result.p99Ms.toFixed(1)} | ${after.p99Ms.toFixed(1)} | ${ratio.toFixed(2)}× ${ratio <= 1.5 ? '(met)' : '(not met)'} | ${result.requestsPerSecond.toFixed(1)} | ${after.requestsPerSecond.toFixed(1)} |`,
    );
  }
  return lines.join('\n');
}
