// `npm run bench -- --only-bench=sync-cost`: what waiting for the disk at every commit costs. Actions are created
// through the real API (command, history and all) by autocannon, with SQLite's synchronous=NORMAL against Headway's
// FULL, and PostgreSQL's synchronous_commit=off against its default (and Headway's) on, taking turns in one run.
import { join } from 'node:path';
import autocannon from 'autocannon';
import { sql } from 'kysely';
import pg from 'pg';
import { readConfig } from '../../src/config.js';
import { createAction } from '../../src/actions/actionCommands.js';
import { openDatabase } from '../../src/db/connection.js';
import { inTransaction } from '../../src/db/transaction.js';
import { startServer } from '../../src/server.js';
import { loadAverage, prepareDatabase, type Prepared } from '../crash/benchSetup.js';
import { describeMachine } from '../machine.js';
import type { BenchOptions } from '../options.js';
import { rewriteSection } from '../performanceDoc.js';

const connections = 4;
const turns = 2;

interface Setting {
  label: string;
  /** Whether this is what Headway runs with. */
  headway: boolean;
  apply(prepared: Prepared, db: ReturnType<typeof openDatabase>): Promise<void>;
}

const sqliteSettings: Setting[] = [
  {
    label: 'synchronous=NORMAL',
    headway: false,
    apply: async (_, db) => void (await sql`pragma synchronous = NORMAL`.execute(db.kysely)),
  },
  { label: 'synchronous=FULL', headway: true, apply: async () => {} },
];

async function setSynchronousCommit(prepared: Prepared, value: 'on' | 'off'): Promise<void> {
  const url = new URL(prepared.database.url);
  const client = new pg.Client({ connectionString: prepared.database.url });
  await client.connect();
  try {
    await client.query(`alter database ${url.pathname.slice(1)} set synchronous_commit = ${value}`);
  } finally {
    await client.end();
  }
}

const postgresSettings: Setting[] = [
  {
    label: 'synchronous_commit=off',
    headway: false,
    apply: (prepared) => setSynchronousCommit(prepared, 'off'),
  },
  {
    label: 'synchronous_commit=on',
    headway: true,
    apply: (prepared) => setSynchronousCommit(prepared, 'on'),
  },
];

interface Measured {
  database: string;
  setting: Setting;
  writesPerSecond: number[];
  /** createAction committed one at a time in the benchmark's process: no HTTP, so the wait for the disk shows. */
  commandsPerSecond: number[];
  p50: number[];
  p99: number[];
  failures: number;
}

export async function syncCostBenchmark(
  projectRoot: string,
  options: BenchOptions,
  say: (line: string) => void,
): Promise<number> {
  const seconds = options.seconds;
  say(
    `Sync-cost benchmark: actions created through POST /api/v1/plans/{slug}/actions, ${connections} connections, ${turns} turns of ${seconds} s per setting (load average ${loadAverage()}).`,
  );
  const loadBefore = loadAverage();
  const results: Measured[] = [];
  for (const dialect of options.databases) {
    const prepared = await prepareDatabase(
      dialect,
      projectRoot,
      'sync-cost.db',
      options.postgresAdminUrl,
      say,
    );
    if (!prepared) continue;
    try {
      const settings = dialect === 'sqlite' ? sqliteSettings : postgresSettings;
      const measured = settings.map((setting): Measured => ({
        database: prepared.database.label,
        setting,
        writesPerSecond: [],
        commandsPerSecond: [],
        p50: [],
        p99: [],
        failures: 0,
      }));
      for (let turn = 0; turn < turns; turn++)
        for (const entry of measured) await measureOnce(prepared, entry, seconds, say);
      results.push(...measured);
    } finally {
      await prepared.database.dispose();
    }
  }
  const table = resultsTable(results);
  say(`\n${table}\n`);
  for (const line of ratios(results)) say(line);
  if (results.some((r) => r.failures > 0) || results.length === 0) {
    say('!!!!!!!! SYNC-COST BENCHMARK FAILED: some writes were not answered 201 !!!!!!!!');
    return 1;
  }
  if (!options.writeDocs) {
    say('(Quick run: the docs are left unchanged; add --docs to record these figures.)');
    return 0;
  }
  const section = [
    `Last run ${new Date().toISOString().slice(0, 10)} with \`${options.command}\` on ${describeMachine()}; load average ${loadBefore} before and ${loadAverage()} after (a shared, busy machine).`,
    '',
    `Each turn: \`createAction\` committed one at a time for ${seconds} s in the benchmark's process, then actions created through the API by autocannon, ${connections} connections, ${seconds} s; ${turns} turns per setting, the settings taking turns; each cell gives the turns in order. The setting Headway runs with is in bold.`,
    '',
    table,
    '',
    ...ratios(results).map((line) => `- ${line}`),
  ].join('\n');
  for (const file of ['performance.md', 'reliability.md'])
    await rewriteSection(join(projectRoot, 'docs', file), 'sync-cost', section);
  say('Figures written to docs/performance.md and docs/reliability.md.');
  return 0;
}

async function measureOnce(
  prepared: Prepared,
  entry: Measured,
  seconds: number,
  say: (line: string) => void,
): Promise<void> {
  // A new connection for each measurement, so a database-wide setting reaches every pooled connection.
  const db = openDatabase(prepared.database.url);
  await entry.setting.apply(prepared, db);
  const plan = await db.kysely
    .selectFrom('plans')
    .select('id')
    .where('slug', '=', prepared.slug)
    .executeTakeFirstOrThrow();
  let commits = 0;
  const commandsStarted = performance.now();
  while (performance.now() - commandsStarted < seconds * 1000) {
    await inTransaction(db, (trx) =>
      createAction(trx, { name: 'Benchmark writer' }, plan.id, {
        title: `Sync cost: ${entry.setting.label}`,
      }),
    );
    commits += 1;
  }
  entry.commandsPerSecond.push(commits / ((performance.now() - commandsStarted) / 1000));
  const config = readConfig(
    {},
    { port: 0, host: '127.0.0.1', databaseUrl: prepared.database.url, logLevel: 'warn' },
  );
  const server = await startServer(config, { db });
  try {
    const run = (duration: number) =>
      autocannon({
        url: `${server.url}/api/v1/plans/${prepared.slug}/actions`,
        method: 'POST',
        headers: { authorization: prepared.writer.authorization, 'content-type': 'application/json' },
        body: JSON.stringify({ title: `Sync cost: ${entry.setting.label}` }),
        connections,
        duration,
      });
    const warmUp = await run(1);
    const result = await run(seconds);
    entry.failures += warmUp.non2xx + warmUp.errors + result.non2xx + result.errors;
    entry.writesPerSecond.push(result.requests.average);
    entry.p50.push(result.latency.p50);
    entry.p99.push(result.latency.p99);
    say(
      `  ${entry.database} ${entry.setting.label}: ${entry.commandsPerSecond.at(-1)!.toFixed(1)} commands/s one at a time; through the API ${result.requests.average.toFixed(1)} writes/s, p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms`,
    );
    // Requests autocannon dropped at the end may still be running in the server.
    await new Promise((resolve) => setTimeout(resolve, 1000));
  } finally {
    await server.close();
  }
}

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);

function resultsTable(results: Measured[]): string {
  return [
    '| Database | Setting | Commands/s, one at a time | API writes/s, 4 connections | API p50 (ms) | API p99 (ms) |',
    '| --- | --- | ---: | ---: | ---: | ---: |',
    ...results.map((r) => {
      const name = r.setting.headway ? `**${r.setting.label}**` : r.setting.label;
      return `| ${r.database} | ${name} | ${r.commandsPerSecond.map((n) => n.toFixed(1)).join(', ')} | ${r.writesPerSecond.map((n) => n.toFixed(1)).join(', ')} | ${r.p50.join(', ')} | ${r.p99.join(', ')} |`;
    }),
  ].join('\n');
}

function ratios(results: Measured[]): string[] {
  const lines: string[] = [];
  for (const database of new Set(results.map((r) => r.database))) {
    const durable = results.find((r) => r.database === database && r.setting.headway);
    const relaxed = results.find((r) => r.database === database && !r.setting.headway);
    if (durable && relaxed)
      lines.push(
        `${database}: ${durable.setting.label} makes ${(mean(durable.commandsPerSecond) / mean(relaxed.commandsPerSecond)).toFixed(2)}× the commands/s one at a time and ${(mean(durable.writesPerSecond) / mean(relaxed.writesPerSecond)).toFixed(2)}× the API writes/s of ${relaxed.setting.label} (means of the turns).`,
      );
  }
  return lines;
}
