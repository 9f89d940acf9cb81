// The change-over-time part of `npm run bench -- --only-bench=history`: a plan of 500 actions whose history holds
// 20,000 rows (its making, then updates and edits of status, RAG, target dates and owners, all through the app's own
// commands), then, through the real app signed in, the plan page as it stood at a date, the comparison of two dates,
// and the plan's history paged from the newest rows to the oldest. Targets: as at a date and a comparison at most
// 150 ms each; the oldest page of history no slower than 1.5× the newest.
import os from 'node:os';
import { updateAction, type ActionInput } from '../../src/actions/actionCommands.js';
import { openDatabase, type Db } from '../../src/db/connection.js';
import { migrateToLatest } from '../../src/db/migrations.js';
import type { Rag, Status } from '../../src/db/schema.js';
import type { Actor } from '../../src/history/recordChange.js';
import { buildTestApp, type TestApp } from '../../src/testing/testApp.js';
import { describeMachine } from '../machine.js';
import type { BenchOptions } from '../options.js';
import { recordFigures } from '../performanceDoc.js';
import {
  freshPostgres,
  freshSqlite,
  withoutPassword,
  type BenchDatabase,
} from '../planLoad/benchDatabases.js';
import { loadPlans } from '../planLoad/loadPlans.js';
import { describePlans } from '../planLoad/planData.js';

const actor: Actor = { name: 'Benchmark editor' };
const statuses: Status[] = ['not_started', 'in_progress', 'in_progress', 'complete', 'ongoing'];
const rags: Rag[] = ['green', 'amber', 'red', 'amber'];
const months = ['January', 'March', 'June', 'September', 'December'];
/** Edits per transaction while the history is written. */
const editsPerTransaction = 100;

interface Shape {
  name: string;
  target: string;
  /** Milliseconds of each timed request. */
  ms: number[];
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** The nth edit of an action: a status, a RAG with its reason, a date moved with its reason, or a new owner. */
function edit(n: number, version: number): { version: number; input: ActionInput } {
  const turn = n % 4;
  if (turn === 0)
    return { version, input: { status: statuses[n % statuses.length]!, statusOn: '2025-06-01' } };
  if (turn === 1)
    return { version, input: { rag: rags[n % rags.length]!, ragReason: `Review ${n}: supplier` } };
  if (turn === 2)
    return {
      version,
      input: {
        revisedTargetDate: `End of ${months[n % months.length]} 202${6 + (n % 3)}`,
        revisedReason: `Waiting for the survey results (${n})`,
      },
    };
  return { version, input: { owners: [`Owner ${n % 37}`] } };
}

async function historyRows(db: Db, planId: string): Promise<number> {
  const row = await db.kysely
    .selectFrom('history')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('plan_id', '=', planId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * Edits the plan's actions in turn until its history holds `rows` rows; returns the moments before the edits and
 * half-way through them, the ones the as-at page and the comparisons are asked for.
 */
async function writeHistory(
  db: Db,
  planId: string,
  rows: number,
): Promise<{ before: string; middle: string }> {
  const actions = await db.kysely
    .selectFrom('actions')
    .select(['id', 'version'])
    .where('plan_id', '=', planId)
    .orderBy('position')
    .execute();
  const versions = new Map(actions.map((a) => [a.id, a.version]));
  const edits = rows - (await historyRows(db, planId));
  const before = new Date().toISOString();
  let middle = before;
  for (let done = 0; done < edits;) {
    const batch = Math.min(editsPerTransaction, edits - done);
    await db.kysely.transaction().execute(async (trx) => {
      for (let k = 0; k < batch; k++) {
        const n = done + k;
        const action = actions[n % actions.length]!;
        const { version, input } = edit(Math.floor(n / actions.length) + n, versions.get(action.id)!);
        const after = await updateAction(trx, actor, planId, action.id, version, input);
        versions.set(action.id, after.version);
      }
    });
    done += batch;
    if (done >= edits / 2 && done - batch < edits / 2) middle = new Date().toISOString();
  }
  // An edit can write more than one row (an owner new to the plan is added too), so the count may pass the mark: it is
  // reported as it is.
  return { before, middle };
}

async function time(app: TestApp, url: string, runs: number, check: (body: string) => string | null) {
  const first = await app.inject(url);
  const problem =
    first.statusCode === 200
      ? check(first.body)
      : `${url} answered ${first.statusCode}: ${first.body.slice(0, 200)}`;
  const ms: number[] = [];
  for (let run = 0; run < runs; run++) {
    const start = performance.now();
    const response = await app.inject(url);
    ms.push(performance.now() - start);
    if (response.statusCode !== 200) return { ms, problem: `${url} answered ${response.statusCode}` };
  }
  return { ms, problem };
}

export async function historyBenchmark(
  projectRoot: string,
  options: BenchOptions,
  say: (line: string) => void,
): Promise<number> {
  const actions = options.quick ? 100 : 500;
  const rows = options.quick ? 2_000 : 20_000;
  const runs = options.quick ? 3 : 9;
  const plan = describePlans(
    { plans: 1, actions, updates: actions * 4, measuredPlanActions: actions },
    options.seed,
  )[0]!;
  const slug = plan.input.slug;
  say(
    `Change-over-time benchmark${options.quick ? ' (quick)' : ''}: one plan of ${actions} actions with ${rows.toLocaleString('en-GB')} rows of history; ${runs} timed requests of each page per database.`,
  );
  const loadBefore = os.loadavg()[0]!;
  const results: { database: string; rows: number; shapes: Shape[] }[] = [];
  const failures: string[] = [];
  const notes: string[] = [];
  for (const dialect of options.databases) {
    let database: BenchDatabase;
    if (dialect === 'sqlite') database = await freshSqlite(projectRoot, 'history.db');
    else {
      const outcome = await freshPostgres(options.postgresAdminUrl);
      if (!('database' in outcome)) {
        const note = `PostgreSQL not measured: ${withoutPassword(options.postgresAdminUrl)} could not be reached (${outcome.unreachable}).`;
        say(note);
        notes.push(note);
        continue;
      }
      database = outcome.database;
    }
    const db = openDatabase(database.url);
    let app: TestApp | null = null;
    try {
      await migrateToLatest(db);
      const started = performance.now();
      await loadPlans(db, [plan]);
      const planId = (
        await db.kysely.selectFrom('plans').select('id').where('slug', '=', slug).executeTakeFirstOrThrow()
      ).id;
      const moments = await writeHistory(db, planId, rows);
      const written = await historyRows(db, planId);
      say(
        `${database.label}: ${written.toLocaleString('en-GB')} rows of history written in ${((performance.now() - started) / 1000).toFixed(1)} s`,
      );
      const ids = await db.kysely
        .selectFrom('history')
        .select('id')
        .where('plan_id', '=', planId)
        .orderBy('id', 'asc')
        .limit(30)
        .execute();
      // The oldest page: the 25 rows older than the 26th oldest.
      const oldest = ids[25]!.id;
      app = await buildTestApp(db);
      const shapes: Shape[] = [];
      const measure = async (
        name: string,
        target: string,
        url: string,
        check: (body: string) => string | null,
      ) => {
        const { ms, problem } = await time(app!, url, runs, check);
        if (problem) failures.push(`${database.label} ${name}: ${problem}`);
        shapes.push({ name, target, ms });
        say(`${database.label} ${name}: median ${median(ms).toFixed(0)} ms`);
      };
      const at = encodeURIComponent(moments.middle);
      await measure('plan page as at a date', '150 ms', `/plans/${slug}?at=${at}`, (body) =>
        body.includes('as it stood') ? null : 'the page has no as-at banner',
      );
      await measure(
        'compare the start of the edits with the middle',
        '150 ms',
        `/plans/${slug}/compare?from=${encodeURIComponent(moments.before)}&to=${at}`,
        (body) => (/status changes?/.test(body) ? null : 'the comparison names no status change'),
      );
      await measure('compare the middle with now', '150 ms', `/plans/${slug}/compare?from=${at}`, (body) =>
        /status changes?/.test(body) ? null : 'the comparison names no status change',
      );
      await measure('history, newest page', '—', `/plans/${slug}/history`, (body) =>
        body.includes('Status:') || body.includes('RAG:') ? null : 'the newest page shows no change',
      );
      await measure(
        'history, oldest page',
        '1.5× newest',
        `/plans/${slug}/history?older=${oldest}`,
        (body) =>
          body.includes('created') || body.includes('Created') || body.includes('added')
            ? null
            : 'the oldest page does not show the plan being made',
      );
      results.push({ database: database.label, rows: written, shapes });
    } finally {
      await app?.close();
      await db.close();
      await database.dispose();
    }
  }

  const verdict = (shape: Shape, all: Shape[]) => {
    if (shape.target === '150 ms') return median(shape.ms) <= 150 ? 'PASS' : 'FAIL';
    if (shape.target === '1.5× newest') {
      const newest = all.find((s) => s.name === 'history, newest page')!;
      return median(shape.ms) <= 1.5 * median(newest.ms) ? 'PASS' : 'FAIL';
    }
    return '';
  };
  const table = [
    '| Database | Rows of history | Request | Median | Fastest | Slowest | Target | Result |',
    '| --- | ---: | --- | ---: | ---: | ---: | --- | --- |',
    ...results.flatMap((r) =>
      r.shapes.map(
        (s) =>
          `| ${r.database} | ${r.rows.toLocaleString('en-GB')} | ${s.name} | ${median(s.ms).toFixed(0)} ms | ${Math.min(...s.ms).toFixed(0)} ms | ${Math.max(...s.ms).toFixed(0)} ms | ${s.target} | ${verdict(s, r.shapes)} |`,
      ),
    ),
  ].join('\n');
  const ratios = results.map((r) => {
    const newest = r.shapes.find((s) => s.name === 'history, newest page')!;
    const oldest = r.shapes.find((s) => s.name === 'history, oldest page')!;
    return `- ${r.database}: the oldest page of history takes ${(median(oldest.ms) / median(newest.ms)).toFixed(2)}× the newest page's time.`;
  });
  say(`\n${table}\n`);
  for (const line of [...ratios, ...notes]) say(line);
  return recordFigures(say, {
    projectRoot,
    name: 'history',
    label: 'Change-over-time',
    failures,
    unmeasured: results.length === 0,
    writeDocs: options.writeDocs,
    section: () =>
      [
        `Last run ${new Date().toISOString().slice(0, 10)} with \`${options.command}\` on ${describeMachine()}.`,
        '',
        `Data (seed ${options.seed}): one plan of ${actions} actions, its history written through the app's commands (the plan, its themes and actions, ${(actions * 4).toLocaleString('en-GB')} updates, then edits of status, RAG, target dates and owners in turn). The as-at moment is half-way through the edits. Each page requested once untimed, then ${runs} times timed, through the app signed in (in-process requests, no network).`,
        `Load average (1 minute) ${loadBefore.toFixed(1)} as the run began and ${os.loadavg()[0]!.toFixed(1)} as it ended, on ${os.cpus().length} cores.`,
        '',
        table,
        '',
        ...ratios,
        ...notes,
      ].join('\n'),
  });
}
