#!/usr/bin/env node
// The `headway` command: serve, start (migrate, load the sample plans, serve), migrate, demo, import, export, report,
// user, backup and restore.
// First, before any other module loads: see startUpMemory.ts.
import { releaseYoungGeneration } from './web/startUpMemory.js';
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ConfigError, readConfig, type Config } from './config.js';
import {
  backupUsage,
  exportUsage,
  importUsage,
  jobsUsage,
  reportUsage,
  restoreUsage,
  sendTestEmailUsage,
  userUsage,
  workerUsage,
} from './cliUsage.js';
import type { DemoAccount } from './demo/demoAccounts.js';

// Each command's module is imported when that command runs: the server alone (Fastify, every route, the templates)
// is most of what the process would otherwise load, and a command waits for whatever it loads.
const usage = `Usage: headway <command> [options]

Commands:
  serve [--port N] [--host H]   serve Headway (PORT, HOST; default 127.0.0.1:3000)
  start [--port N] [--host H]   bring the database up to date, load the sample plans if missing, and serve
  migrate                       bring the database up to date
  demo                          load the two sample plans (skips those already there)
  ${importUsage}
                                read a .docx, .xlsx, .csv or text file into a new plan, or merge it into
                                plan SLUG; --dry-run saves nothing, --json prints a summary as JSON,
                                --sheet NAME reads that sheet of a workbook (else the first)
  ${exportUsage}
                                write plan SLUG as the action-plan document (Word, Excel, CSV) or as JSON
  ${reportUsage}
                                write the highlight report for a period, drafting one if there is none
  ${userUsage}
                                add a user and print a one-time link for them to choose a password
  ${backupUsage}                   write a consistent copy of everything but sessions to FILE (gzip'd JSON
                                lines) while Headway runs; it restores into SQLite or PostgreSQL
  ${restoreUsage}                  load a backup into an empty database (refuses one that holds anything)
  ${jobsUsage}
                                list the background work (e-mail, reminders), newest first, or try a
                                failed job again; while e-mail is not set up, prints each message's links
  ${sendTestEmailUsage}       send one message now and print the mail server's answer
  ${workerUsage}                        run the background work alone (for servers run with HEADWAY_JOBS_WORKER=off)

The database is DATABASE_URL: a file path for SQLite (default ./data/headway.db) or a postgres:// URL.`;

function serveOptions(args: string[], env: NodeJS.ProcessEnv): Config {
  const { values } = parseArgs({
    args,
    options: { port: { type: 'string' }, host: { type: 'string' } },
    strict: true,
  });
  const config = readConfig(env);
  return readConfig({ ...env, PORT: values.port ?? env.PORT, HOST: values.host ?? config.host });
}

async function migrate(config: Config): Promise<void> {
  const { openDatabase } = await import('./db/connection.js');
  const { migrateToLatest } = await import('./db/migrations.js');
  const db = openDatabase(config.databaseUrl);
  try {
    const applied = await migrateToLatest(db);
    console.log(
      applied.length
        ? `Applied ${applied.length} migration(s): ${applied.join(', ')}`
        : 'The database is up to date.',
    );
  } finally {
    await db.close();
  }
}

async function demo(config: Config, withAccounts = false): Promise<DemoAccount[]> {
  const { loadDemo } = await import('./demo/loadDemo.js');
  const { ensureDemoAccounts } = await import('./demo/demoAccounts.js');
  const { openDatabase } = await import('./db/connection.js');
  const { migrateToLatest } = await import('./db/migrations.js');
  const db = openDatabase(config.databaseUrl);
  try {
    await migrateToLatest(db);
    const { created, skipped } = await loadDemo(db, { name: 'Headway demo' });
    for (const slug of created) console.log(`Loaded sample plan ${slug}`);
    for (const slug of skipped) console.log(`Sample plan ${slug} is already there; left as it is`);
    return withAccounts ? await ensureDemoAccounts(db) : [];
  } finally {
    await db.close();
  }
}

async function serve(config: Config, withDemo: boolean): Promise<void> {
  const accounts = withDemo ? await demo(config, true) : [];
  const { startServer } = await import('./server.js');
  const { countUsers } = await import('./people/users.js');
  const server = await startServer(config);
  const base = config.publicUrl ?? server.url;
  console.log(`\nHeadway is running at ${base}/`);
  if (accounts.length > 0) {
    console.log('Sign in with one of the demo accounts (their passwords change at every start):');
    for (const account of accounts)
      console.log(`  ${account.email}  password: ${account.password}  (${account.role})`);
  } else if ((await countUsers(server.db)) === 0) {
    const { inTransaction } = await import('./db/transaction.js');
    const { createPasswordLink } = await import('./signin/passwordLinks.js');
    const secret = await inTransaction(server.db, (trx) => createPasswordLink(trx, null, 24));
    console.log(
      'No one has an account yet. Create the first administrator at this link (it works once, for 24 hours):',
    );
    console.log(`  ${base}/setup/${secret}`);
  } else {
    console.log('Sign in with your e-mail address and password.');
  }
  const { mailNotSetUpReason } = await import('./mail/sendEmail.js');
  const mailReason = mailNotSetUpReason(config);
  if (mailReason) console.log(`${mailReason} \`headway jobs\` prints the links in waiting messages.`);
  console.log('Press Ctrl+C to stop.\n');
  releaseYoungGeneration();
}

export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const [command, ...rest] = argv;
  if (command !== 'serve' && command !== 'start') releaseYoungGeneration();
  try {
    switch (command) {
      case 'serve':
        await serve(serveOptions(rest, env), false);
        return 0;
      case 'start':
        await serve(serveOptions(rest, env), true);
        return 0;
      case 'migrate':
        await migrate(readConfig(env));
        return 0;
      case 'demo':
        await demo(readConfig(env));
        return 0;
      case 'import':
        return await (await import('./import/importCommand.js')).importCommand(rest, readConfig(env));
      case 'export':
        return await (await import('./exports/exportCommand.js')).exportCommand(rest, readConfig(env));
      case 'report':
        return await (await import('./reports/reportCommand.js')).reportCommand(rest, readConfig(env));
      case 'user':
        return await (await import('./people/userCommand.js')).userCommand(rest, readConfig(env));
      case 'backup':
        return await (await import('./backups/backupCommand.js')).backupCommand(rest, readConfig(env));
      case 'restore':
        return await (await import('./backups/backupCommand.js')).restoreCommand(rest, readConfig(env));
      case 'jobs':
        return await (await import('./jobs/jobsCommand.js')).jobsCommand(rest, readConfig(env));
      case 'send-test-email':
        return await (await import('./jobs/jobsCommand.js')).sendTestEmailCommand(rest, readConfig(env));
      case 'worker':
        return await (await import('./jobs/jobsCommand.js')).workerCommand(readConfig(env));
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        console.log(usage);
        return command === undefined ? 1 : 0;
      default:
        console.error(`headway: unknown command "${command}"\n\n${usage}`);
        return 2;
    }
  } catch (error) {
    if (error instanceof ConfigError || (error instanceof TypeError && 'code' in error)) {
      console.error(`headway: ${error.message}`);
      return 2;
    }
    throw error;
  }
}

// Run only when this file is the program, not when a test imports main().
const entry = process.argv[1] ? realpathSync(process.argv[1]) : '';
if (entry === fileURLToPath(import.meta.url)) {
  const code = await main(process.argv.slice(2));
  if (code !== 0) process.exitCode = code;
}
