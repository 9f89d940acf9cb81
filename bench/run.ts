// Entry point of `npm run bench`: the plan-load, import-speed and export-speed benchmarks on SQLite and PostgreSQL, figures kept in
// docs/performance.md; and, when named, the reliability runs (sync-cost, crash, soak), figures kept in docs/reliability.md,
// and import-memory (eight expanding uploads at once to a real server), figures kept in docs/performance.md.
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { crashBenchmark } from './crash/crashBenchmark.js';
import { dashboardBenchmark } from './dashboard/dashboardBenchmark.js';
import { describeMachine } from './machine.js';
import { soakBenchmark } from './soak/soakBenchmark.js';
import { syncCostBenchmark } from './syncCost/syncCostBenchmark.js';
import { exportSpeedBenchmark } from './exportSpeed/exportSpeedBenchmark.js';
import { importMemoryBenchmark } from './importMemory/importMemoryBenchmark.js';
import { importSpeedBenchmark } from './importSpeed/importSpeedBenchmark.js';
import { httpBenchmark } from './http/httpBenchmark.js';
import { scaleBenchmark } from './http/scaleBenchmark.js';
import { historyBenchmark } from './history/historyBenchmark.js';
import { OptionsError, readOptions, type BenchOptions } from './options.js';
import { rewriteSection } from './performanceDoc.js';
import {
  freshPostgres,
  freshSqlite,
  withoutPassword,
  type BenchDatabase,
} from './planLoad/benchDatabases.js';
import { describeCounts, runPlanLoad, type DatabaseResult } from './planLoad/planLoadBenchmark.js';
import { describePlans, type PlanSpec } from './planLoad/planData.js';
import {
  docSection,
  failures,
  generationTable,
  ratios,
  resultsTable,
  warnings,
} from './planLoad/planLoadReport.js';

const projectRoot = fileURLToPath(new URL('..', import.meta.url));
const say = (line: string) => console.log(line);

async function main(): Promise<number> {
  const options = readOptions(process.argv.slice(2), process.env);
  let exitCode = 0;
  for (const [index, benchmark] of options.benchmarks.entries()) {
    if (index > 0) say('');
    const runs: Record<typeof benchmark, () => Promise<number>> = {
      'plan-load': () => planLoadBenchmark(options),
      import: () => importSpeedBenchmark(projectRoot, options, say),
      export: () => exportSpeedBenchmark(projectRoot, options, say),
      'sync-cost': () => syncCostBenchmark(projectRoot, options, say),
      crash: () => crashBenchmark(projectRoot, options, say),
      soak: () => soakBenchmark(projectRoot, options, say),
      'import-memory': () => importMemoryBenchmark(projectRoot, options, say),
      http: () => httpBenchmark(options, say),
      scale: () => scaleBenchmark(options, say),
      dashboard: () => dashboardBenchmark(projectRoot, options, say),
      history: () => historyBenchmark(projectRoot, options, say),
    };
    const code = await runs[benchmark]();
    exitCode = Math.max(exitCode, code);
  }
  return exitCode;
}

async function planLoadBenchmark(options: BenchOptions): Promise<number> {
  const plans = describePlans(options.size, options.seed);
  const measured = plans[0]!;
  const measuredUpdates = measured.actions.reduce((n, a) => n + a.updates.length, 0);
  const measuredPlan = `The measured plan (\`${measured.input.slug}\`) has ${measured.actions.length} actions, ${measured.themes.length} themes and ${measuredUpdates.toLocaleString('en-GB')} updates on its actions.`;
  say(`Plan-load benchmark${options.quick ? ' (quick)' : ''}: ${describeCounts(plans)}. ${measuredPlan}`);

  const notes: string[] = [];
  const results: DatabaseResult[] = [];
  let unreachableButRequired = false;
  for (const dialect of options.databases) {
    const database = await prepare(dialect, options, notes);
    if (!database) {
      unreachableButRequired ||= options.databases.length === 1;
      continue;
    }
    try {
      results.push(await runPlanLoad(database, plans, options, say));
    } finally {
      await database.dispose();
    }
  }
  return report(options, plans, measuredPlan, notes, results, unreachableButRequired);
}

async function prepare(
  dialect: 'sqlite' | 'postgres',
  options: BenchOptions,
  notes: string[],
): Promise<BenchDatabase | undefined> {
  if (dialect === 'sqlite') return freshSqlite(projectRoot);
  const outcome = await freshPostgres(options.postgresAdminUrl);
  if ('database' in outcome) return outcome.database;
  const note = `PostgreSQL not measured: ${withoutPassword(options.postgresAdminUrl)} could not be reached (${outcome.unreachable}).`;
  say(`\n*** ${note} Set HEADWAY_BENCH_POSTGRES_URL to point at a server. ***\n`);
  notes.push(note);
  return undefined;
}

async function report(
  options: BenchOptions,
  plans: PlanSpec[],
  measuredPlan: string,
  notes: string[],
  results: DatabaseResult[],
  unreachableButRequired: boolean,
): Promise<number> {
  const planActions = plans[0]!.actions.length;
  const incomplete = warnings(results, planActions);
  notes.push(...incomplete.map((line) => `Warning: ${line}; its figures are not for the whole plan.`));
  say(`\n${generationTable(results)}\n\n${resultsTable(results)}\n`);
  for (const line of [...ratios(results), ...notes]) say(line);

  const failed = failures(results);
  if (failed.length > 0 || unreachableButRequired) {
    say('\n!!!!!!!! BENCHMARK FAILED: these figures are not valid !!!!!!!!');
    for (const line of failed) say(`  - ${line}`);
    if (unreachableButRequired) say('  - the only database asked for could not be reached');
    say('docs/performance.md was left unchanged.');
    return 1;
  }
  if (!options.writeDocs) {
    say('\n(Quick run: docs/performance.md left unchanged; add --docs to record these figures.)');
    return 0;
  }
  const file = join(projectRoot, 'docs', 'performance.md');
  await rewriteSection(
    file,
    'plan-load',
    docSection({
      date: new Date().toISOString().slice(0, 10),
      machine: describeMachine(),
      command: options.command,
      data: describeCounts(plans),
      measuredPlan,
      settings: options,
      notes,
      results,
    }),
  );
  say(`\nFigures written to docs/performance.md.`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof OptionsError) console.error(error.message);
    else console.error('Benchmark stopped by an error:', error);
    process.exit(error instanceof OptionsError ? 2 : 1);
  },
);
