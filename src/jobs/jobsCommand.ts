// `headway jobs [--state STATE]`, `headway jobs retry ID`, `headway send-test-email ADDRESS` and `headway worker`:
// the background work from the shell.
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import type { Config } from '../config.js';
import { openDatabase, type Db } from '../db/connection.js';
import { migrateToLatest } from '../db/migrations.js';
import { inTransaction } from '../db/transaction.js';
import { InvalidInputError, NotFoundError } from '../errors.js';
import { composeEmail, type EmailMessage } from '../mail/emailMessage.js';
import { absoluteUrl } from '../mail/links.js';
import { deliverEmail, mailNotSetUpReason, messageIdFor } from '../mail/sendEmail.js';
import { retryJob } from './jobCommands.js';
import { startWorker, type WorkerEvent } from './worker.js';
import { jobsUsage, sendTestEmailUsage } from '../cliUsage.js';

const jobStates = ['queued', 'running', 'done', 'failed', 'cancelled'] as const;

async function withDatabase<T>(config: Config, work: (db: Db) => Promise<T>): Promise<T> {
  const db = openDatabase(config.databaseUrl);
  try {
    await migrateToLatest(db);
    return await work(db);
  } finally {
    await db.close();
  }
}

/** The links in a message's text part: what the person would follow, printed while e-mail is not set up. */
function linksIn(message: EmailMessage): string[] {
  return [...new Set(message.text.match(/https?:\/\/[^\s)>]+/g) ?? [])];
}

async function listJobs(db: Db, config: Config, state: string | undefined): Promise<number> {
  let query = db.kysely
    .selectFrom('jobs')
    .selectAll()
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(200);
  if (state) query = query.where('state', '=', state as (typeof jobStates)[number]);
  const jobs = await query.execute();
  if (jobs.length === 0) {
    console.log(state ? `No jobs are ${state}.` : 'No jobs.');
    return 0;
  }
  const notSetUp = mailNotSetUpReason(config);
  if (notSetUp && jobs.some((job) => job.kind === 'email' && job.state === 'queued'))
    console.log(`${notSetUp}\n`);
  for (const job of jobs) {
    const tries = `${job.attempts} of ${job.max_attempts} tries`;
    console.log(`${job.id}  ${job.kind}  ${job.state}  ${tries}  run at ${job.run_at}`);
    if (job.kind === 'email') {
      const message = JSON.parse(job.payload_json) as EmailMessage;
      console.log(`  to ${message.to}: ${message.subject}`);
      // Without e-mail the shell is the way the links reach people: print them for whoever runs this.
      if (notSetUp && job.state === 'queued')
        for (const link of linksIn(message)) console.log(`  link: ${link}`);
    }
    if (job.last_error) console.log(`  last failure: ${job.last_error}`);
  }
  return 0;
}

export async function jobsCommand(args: string[], config: Config): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { state: { type: 'string' } },
    allowPositionals: true,
    strict: true,
  });
  const state = values.state;
  if (state !== undefined && !(jobStates as readonly string[]).includes(state)) {
    console.error(`headway: --state must be one of ${jobStates.join(', ')}, not "${state}"`);
    return 2;
  }
  if (positionals.length === 0) return withDatabase(config, (db) => listJobs(db, config, state));
  const [verb, id, ...extra] = positionals;
  if (verb !== 'retry' || !id || extra.length > 0 || state) {
    console.error(`headway: usage: headway ${jobsUsage}`);
    return 2;
  }
  return withDatabase(config, async (db) => {
    try {
      await inTransaction(db, (trx) => retryJob(trx, id));
    } catch (error) {
      if (error instanceof NotFoundError) {
        console.error(`headway: there is no job ${id}`);
        return 1;
      }
      if (error instanceof InvalidInputError) {
        console.error(`headway: ${error.message}: only a failed job can be tried again`);
        return 1;
      }
      throw error;
    }
    console.log(`Job ${id} is queued to be tried again now.`);
    return 0;
  });
}

/** Sends one message now, not through the queue, and says what the server answered. */
export async function sendTestEmailCommand(args: string[], config: Config): Promise<number> {
  const [address, ...extra] = args;
  if (!address || extra.length > 0 || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(address)) {
    console.error(
      `headway: usage: headway ${sendTestEmailUsage} (an e-mail address such as you@example.org)`,
    );
    return 2;
  }
  if (!config.mail) {
    console.error(`headway: ${mailNotSetUpReason(config)}`);
    return 1;
  }
  const message = composeEmail({
    to: address,
    subject: 'Headway test message',
    marking: '',
    paragraphs: [
      'This message shows that Headway can send e-mail with its settings: HEADWAY_SMTP_URL and HEADWAY_MAIL_FROM.',
      `Links in Headway's e-mail start with ${absoluteUrl(config, '/')}: if that is not where people reach Headway, set HEADWAY_PUBLIC_URL.`,
    ],
  });
  try {
    const receipt = await deliverEmail(config.mail, message, messageIdFor(randomUUID(), config.mail.from));
    console.log(`Sent to ${address}. The mail server answered: ${receipt.response}`);
    return 0;
  } catch (error) {
    console.error(`headway: ${(error as Error).message}`);
    return 1;
  }
}

/** Runs the worker alone (beside servers started with HEADWAY_JOBS_WORKER=off) until Ctrl+C or SIGTERM. */
export async function workerCommand(config: Config): Promise<number> {
  const db = openDatabase(config.databaseUrl);
  await migrateToLatest(db);
  const log = (event: WorkerEvent) => {
    if (event.event === 'error') console.error(`job worker: ${event.reason}`);
    else if (event.event === 'done') console.log(`${event.job.kind} job ${event.job.id} done`);
    else if (event.event === 'lost')
      console.error(`${event.job.kind} job ${event.job.id}: claim lost to another worker`);
    else
      console.error(
        `${event.job.kind} job ${event.job.id} ${event.event === 'retry' ? 'will be retried' : 'failed'}: ${event.reason}`,
      );
  };
  const worker = startWorker({ db, config, log });
  const reason = mailNotSetUpReason(config);
  console.log(
    `Headway's job worker is running as ${worker.workerId}.${reason ? ` ${reason}` : ''} Press Ctrl+C to stop.`,
  );
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await worker.stop();
  await db.close();
  return 0;
}
