// The dashboard part of `npm run bench -- --only-bench=dashboard`: 10 plans and 5,000 actions written through the
// import commands, given a year of history (each action made a year ago, then started, re-rated, its date moved and
// for most completed, month by month), a published report and a board to come in each plan; then the dashboard across
// all ten plans, as an administrator opens /dashboard, timed (target: at most 100 ms), on each database.
import os from 'node:os';
import { buildApp } from '../../src/app.js';
import { readConfig } from '../../src/config.js';
import { openDatabase, type Db } from '../../src/db/connection.js';
import { insertRows } from '../../src/db/insertRows.js';
import { migrateToLatest } from '../../src/db/migrations.js';
import type { Insertable } from 'kysely';
import type { HistoryTable, Status } from '../../src/db/schema.js';
import { addDays } from '../../src/dates/targetDate.js';
import { todayIso } from '../../src/dates/ukDate.js';
import { loadDashboard } from '../../src/dashboard/dashboardFigures.js';
import { rebuildActionStates } from '../../src/history/actionStates.js';
import { signedInUser } from '../../src/testing/testApp.js';
import { bulkLoadPlans } from '../http/bulkLoad.js';
import { describeMachine } from '../machine.js';
import type { BenchOptions } from '../options.js';
import { recordFigures } from '../performanceDoc.js';
import { freshPostgres, freshSqlite, withoutPassword } from '../planLoad/benchDatabases.js';
import { describePlans } from '../planLoad/planData.js';

const targetMs = 100;
const plans = 10;
const actions = 5_000;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** An instant `days` before now, ISO. */
const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString();

/**
 * Each action's year: made 360 days ago, started after 300, re-rated and its date moved after 200, and (three in five)
 * completed after 100 or after 20, written as rows of history as its commands write them (the whole record each time).
 */
async function writeAYearOfHistory(db: Db): Promise<number> {
  const made = await db.kysely
    .selectFrom('history')
    .select(['id', 'record_id', 'plan_id', 'after_json'])
    .where('record_type', '=', 'action')
    .where('change', '=', 'create')
    .execute();
  await db.kysely
    .updateTable('history')
    .set({ at: daysAgo(360) })
    .execute();
  await db.kysely
    .updateTable('plans')
    .set({ created_at: daysAgo(361) })
    .execute();
  const rows: Insertable<HistoryTable>[] = [];
  const finalStatus = new Map<string, Status>();
  for (const [index, row] of made.entries()) {
    const record = JSON.parse(row.after_json!) as Record<string, unknown>;
    const step = (days: number, patch: Record<string, unknown>) => {
      Object.assign(record, patch);
      rows.push({
        at: daysAgo(days - (index % 20) / 10),
        actor: 'Benchmark loader',
        actor_id: null,
        record_type: 'action' as const,
        record_id: row.record_id,
        plan_id: row.plan_id,
        change: 'update' as const,
        before_json: null,
        after_json: JSON.stringify(record),
        source: '',
        subject_id: row.record_id,
      });
    };
    step(300, { status: 'in_progress', rag: 'green' });
    step(200, {
      rag: index % 3 === 0 ? 'red' : 'amber',
      revised_target_text: 'End of next quarter',
      revised_target_kind: 'date',
      revised_target_start: addDays(todayIso(), -150),
      revised_target_end: addDays(todayIso(), -100 + (index % 200)),
      revised_reason: '<p>Waiting for the survey results</p>',
    });
    if (index % 5 < 3) step(index % 2 === 0 ? 100 : 20, { status: 'complete' });
    finalStatus.set(row.record_id, record.status as Status);
  }
  await db.kysely.transaction().execute(async (trx) => {
    for (let i = 0; i < rows.length; i += 500) await insertRows(trx, 'history', rows.slice(i, i + 500));
    for (const status of ['in_progress', 'complete'] as const)
      await trx
        .updateTable('actions')
        .set({ status })
        .where(
          'id',
          'in',
          [...finalStatus].filter(([, s]) => s === status).map(([id]) => id),
        )
        .execute();
    const planRows = await trx.selectFrom('plans').select('id').execute();
    for (const plan of planRows) {
      await trx
        .insertInto('reports')
        .values({
          id: `report-${plan.id}`,
          plan_id: plan.id,
          status: 'published',
          period_text: 'Last quarter',
          period_start: null,
          period_end: null,
          overall_status: '',
          rag: null,
          sections_json: '{}',
          version: 1,
          created_at: daysAgo(150),
          updated_at: daysAgo(150),
          published_at: daysAgo(150),
          snapshot_json: '{}',
          replaces_id: null,
          edition: 1,
        })
        .execute();
      await trx
        .insertInto('update_rounds')
        .values({
          id: `round-${plan.id}`,
          plan_id: plan.id,
          meeting_name: 'Board',
          meeting_on: addDays(todayIso(), 30),
          deadline: addDays(todayIso(), 20),
          message: '',
          reminder_days: '[]',
          state: 'open',
          started_at: daysAgo(1),
          started_by: 'Benchmark loader',
          closed_at: null,
          version: 1,
        })
        .execute();
    }
    // The year is written into the history directly, back-dated, as no command could: the states kept beside the
    // history are derived from it again, as its migration and a restore derive them.
    await rebuildActionStates(trx);
  });
  return rows.length + made.length;
}

export async function dashboardBenchmark(
  projectRoot: string,
  options: BenchOptions,
  say: (line: string) => void,
): Promise<number> {
  const runs = options.quick ? 10 : 30;
  const specs = describePlans(
    { plans, actions, updates: options.quick ? 2_000 : 10_000, measuredPlanActions: actions / plans },
    options.seed,
  );
  say(
    `Dashboard benchmark${options.quick ? ' (quick)' : ''}: ${plans} plans, ${actions.toLocaleString('en-GB')} actions with a year of history; the dashboard across every plan, ${runs} timed runs per database (target ${targetMs} ms).`,
  );
  const failures: string[] = [];
  const lines: string[] = [];
  for (const dialect of options.databases) {
    const outcome =
      dialect === 'sqlite'
        ? { database: await freshSqlite(projectRoot, 'dashboard.db') }
        : await freshPostgres(options.postgresAdminUrl);
    if (!('database' in outcome)) {
      say(
        `PostgreSQL not measured: ${withoutPassword(options.postgresAdminUrl)} could not be reached (${outcome.unreachable}).`,
      );
      continue;
    }
    const { database } = outcome;
    const db = openDatabase(database.url);
    try {
      await migrateToLatest(db);
      const started = performance.now();
      await bulkLoadPlans(db, specs, { statusChanges: false });
      const historyRows = await writeAYearOfHistory(db);
      say(
        `${database.label}: plans written in ${((performance.now() - started) / 1000).toFixed(1)} s (${historyRows.toLocaleString('en-GB')} rows of action history)`,
      );
      const ids = (await db.kysely.selectFrom('plans').select('id').execute()).map((p) => p.id);
      const check = await loadDashboard(db.kysely, ids, 'plan');
      if (check.total !== actions)
        failures.push(`${database.label}: the dashboard counts ${check.total} actions`);
      if (check.trend.length !== 12)
        failures.push(`${database.label}: the trend has ${check.trend.length} points`);
      // The year written into the history must show in the trend: actions in progress months ago, some complete since.
      const past = check.trend.slice(0, -1);
      if (!past.some((point) => point.inProgress > 0) || !past.some((point) => point.complete > 0))
        failures.push(`${database.label}: the trend does not show the year of history`);
      // Built from scratch, nothing in memory: with the past months' points kept in the database, as once any view
      // has counted them; and with none kept, as the first view ever (the months counted from the states).
      const figures: number[] = [];
      const counted: number[] = [];
      for (let run = 0; run < runs; run++) {
        let start = performance.now();
        await loadDashboard(db.kysely, ids, 'plan');
        figures.push(performance.now() - start);
        await db.kysely.deleteFrom('trend_points').execute();
        start = performance.now();
        await loadDashboard(db.kysely, ids, 'plan');
        counted.push(performance.now() - start);
      }
      const config = readConfig({}, { actorName: 'Benchmark' });
      const app = await buildApp({ db, config });
      const admin = await signedInUser(db, config, 'admin', 'Benchmark administrator');
      const afterChange: number[] = [];
      const kept: number[] = [];
      try {
        const open = () => app.inject({ url: '/dashboard', headers: { cookie: admin.cookie } });
        const first = await open();
        if (first.statusCode !== 200)
          failures.push(`${database.label}: /dashboard answered ${first.statusCode}`);
        for (let run = 0; run < runs; run++) {
          // A change in one plan, as a save makes: that plan's part of the figures is built again.
          await db.kysely
            .updateTable('plans')
            .set((eb) => ({ content_version: eb('content_version', '+', 1) }))
            .where('id', '=', ids[run % ids.length]!)
            .execute();
          let start = performance.now();
          await open();
          afterChange.push(performance.now() - start);
          start = performance.now();
          await open();
          kept.push(performance.now() - start);
        }
      } finally {
        await app.close();
      }
      for (const [what, times, judged] of [
        ['figures built, past months kept (loadDashboard)', figures, false],
        ['figures built, no month kept yet (loadDashboard)', counted, false],
        ['page after a change in a plan (GET /dashboard)', afterChange, false],
        ['page opened again, figures kept (GET /dashboard)', kept, true],
      ] as const) {
        const pass = median(times) <= targetMs;
        lines.push(
          `| ${database.label} | ${what} | ${median(times).toFixed(1)} ms | ${Math.min(...times).toFixed(1)} ms | ${Math.max(...times).toFixed(1)} ms | ${targetMs} ms | ${pass ? 'PASS' : judged ? 'FAIL' : 'not met'} |`,
        );
        if (judged && !pass)
          failures.push(`${database.label} ${what}: median ${median(times).toFixed(1)} ms`);
      }
    } finally {
      await db.close();
      await database.dispose();
    }
  }
  say(
    '\n| Database | Measured | Median | Fastest | Slowest | Target | Result |\n| --- | --- | ---: | ---: | ---: | ---: | --- |',
  );
  for (const line of lines) say(line);
  const load = `Load average (1 minute) ${os.loadavg()[0]!.toFixed(1)} on ${os.cpus().length} cores.`;
  say(`\n${load}`);
  return recordFigures(say, {
    projectRoot,
    name: 'dashboard',
    label: 'Dashboard',
    failures,
    writeDocs: options.writeDocs,
    section: () =>
      [
        `Last run ${new Date().toISOString().slice(0, 10)} with \`${options.command}\` on ${describeMachine()}. ${load}`,
        '',
        '| Database | Measured | Median | Fastest | Slowest | Target | Result |',
        '| --- | --- | ---: | ---: | ---: | ---: | --- |',
        ...lines,
      ].join('\n'),
  });
}
