// The worker: claims due jobs with a lease, runs their handlers, retries with back-off, and keeps each recurring job's
// next occurrence queued. Any number of processes may run one on the same database; none runs a job another holds.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Config } from '../config.js';
import type { Db } from '../db/connection.js';
import type { JobTable } from '../db/schema.js';
import type { Selectable } from 'kysely';
import { enqueueJob } from './enqueueJob.js';
import { PermanentJobError } from './jobErrors.js';
import { jobHandlers, type JobHandler } from './jobHandlers.js';
import { recurringJobs, type RecurringJob } from './recurringJobs.js';

export type JobRow = Selectable<JobTable>;

/** Kinds of job that wait, unclaimed, while what they need is not set up. */
export function kindsWaitingForSetUp(config: Config): string[] {
  return config.mail ? [] : ['email'];
}

/** Names this process in `leased_by`: host, process id and a random tag, so two processes never share a name. */
export function workerIdentity(): string {
  return `${hostname()}/${process.pid}/${randomBytes(3).toString('hex')}`;
}

/**
 * How long to wait before try `attempts + 1`: the first retry after `retrySeconds`, doubling each time up to six hours,
 * then "full jitter" between half and all of it, so that jobs that failed together do not all come back together.
 */
export function retryDelayMs(
  attempts: number,
  retrySeconds: number,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(retrySeconds * 1000 * 2 ** Math.max(0, attempts - 1), 6 * 60 * 60 * 1000);
  return Math.round(ceiling / 2 + (ceiling / 2) * random());
}

export interface ClaimOptions {
  workerId: string;
  now: Date;
  leaseSeconds: number;
  limit: number;
  /** Kinds not to claim now (e-mail while it is not set up). */
  skipKinds?: string[];
}

/**
 * Takes up to `limit` due jobs for this worker: queued ones whose time has come, and running ones whose lease has
 * run out (their process died). On PostgreSQL the rows are picked `FOR UPDATE SKIP LOCKED`, so two workers claiming
 * at once take different jobs without waiting for each other; a row another worker has just claimed is re-read by
 * PostgreSQL before it is locked and no longer matches. SQLite has one writer at a time, and the UPDATE is one
 * statement, so it claims the same way without the lock clause.
 */
/** Jobs whose time has come: queued ones now due, and running ones whose lease has run out (their process died). */
function dueJobs(db: Db, now: string, skip: string[]) {
  const due = db.kysely
    .selectFrom('jobs')
    .select('id')
    .where((w) =>
      w.or([
        w.and([w('state', '=', 'queued'), w('run_at', '<=', now)]),
        w.and([w('state', '=', 'running'), w('lease_until', '<', now)]),
      ]),
    );
  return skip.length > 0 ? due.where('kind', 'not in', skip) : due;
}

export async function claimJobs(db: Db, options: ClaimOptions): Promise<JobRow[]> {
  const now = options.now.toISOString();
  const leaseUntil = new Date(options.now.getTime() + options.leaseSeconds * 1000).toISOString();
  const skip = options.skipKinds ?? [];
  // On SQLite an UPDATE takes the database's one write lock even when it matches nothing: an idle worker looks first.
  if (db.dialect === 'sqlite' && !(await dueJobs(db, now, skip).limit(1).executeTakeFirst())) return [];
  const rows = await db.kysely
    .updateTable('jobs')
    .set((eb) => ({
      state: 'running',
      attempts: eb('attempts', '+', 1),
      lease_until: leaseUntil,
      leased_by: options.workerId,
    }))
    .where('id', 'in', () => {
      const due = dueJobs(db, now, skip).orderBy('run_at').orderBy('id').limit(options.limit);
      return db.dialect === 'postgres' ? due.forUpdate().skipLocked() : due;
    })
    .returningAll()
    .execute();
  return rows.sort((a, b) => a.run_at.localeCompare(b.run_at) || a.id.localeCompare(b.id));
}

/** Done: only if this worker still holds it (a worker that lost its lease must not overwrite the new holder's state). */
export async function markDone(db: Db, job: JobRow, now: Date): Promise<boolean> {
  const result = await db.kysely
    .updateTable('jobs')
    .set({ state: 'done', finished_at: now.toISOString(), lease_until: null, last_error: null })
    .where('id', '=', job.id)
    .where('state', '=', 'running')
    .where('leased_by', '=', job.leased_by)
    .where('attempts', '=', job.attempts)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** A failed try: queued again after a back-off, or failed for good after its last try or a permanent refusal. */
export async function markFailed(
  db: Db,
  job: JobRow,
  reason: string,
  options: { now: Date; retrySeconds: number; permanent: boolean; random?: () => number },
): Promise<'retry' | 'failed' | 'lost'> {
  const last = options.permanent || job.attempts >= job.max_attempts;
  const runAt = new Date(
    options.now.getTime() + retryDelayMs(job.attempts, options.retrySeconds, options.random),
  ).toISOString();
  const result = await db.kysely
    .updateTable('jobs')
    .set(
      last
        ? { state: 'failed', finished_at: options.now.toISOString(), lease_until: null, last_error: reason }
        : { state: 'queued', run_at: runAt, lease_until: null, last_error: reason },
    )
    .where('id', '=', job.id)
    .where('state', '=', 'running')
    .where('leased_by', '=', job.leased_by)
    .where('attempts', '=', job.attempts)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) !== 1) return 'lost';
  return last ? 'failed' : 'retry';
}

/** Gives a claimed job back untried (the process is stopping): as it was before the claim. */
export async function releaseJob(db: Db, job: JobRow): Promise<void> {
  await db.kysely
    .updateTable('jobs')
    .set((eb) => ({ state: 'queued', attempts: eb('attempts', '-', 1), lease_until: null, leased_by: null }))
    .where('id', '=', job.id)
    .where('state', '=', 'running')
    .where('leased_by', '=', job.leased_by)
    .where('attempts', '=', job.attempts)
    .execute();
}

/** Keeps the claim alive while the handler works, so a slow but living send is never taken by another worker. */
async function extendLease(db: Db, job: JobRow, leaseSeconds: number): Promise<void> {
  await db.kysely
    .updateTable('jobs')
    .set({ lease_until: new Date(Date.now() + leaseSeconds * 1000).toISOString() })
    .where('id', '=', job.id)
    .where('state', '=', 'running')
    .where('leased_by', '=', job.leased_by)
    .where('attempts', '=', job.attempts)
    .execute();
}

/** Queues the next occurrence of each recurring job, once however many workers ask (its unique key). */
export async function queueRecurringJobs(db: Db, recurring: RecurringJob[], now: Date): Promise<void> {
  for (const job of recurring) {
    const at = job.next(now).toISOString();
    await db.kysely
      .transaction()
      .execute((trx) =>
        enqueueJob(trx, { kind: job.kind, payload: { at }, runAt: at, uniqueKey: `${job.kind}:${at}` }),
      );
  }
}

export interface WorkerOptions {
  db: Db;
  config: Config;
  workerId?: string;
  /** The handlers by kind (default: src/jobs/jobHandlers.ts). */
  handlers?: Record<string, JobHandler>;
  /** The recurring jobs (default: src/jobs/recurringJobs.ts). */
  recurring?: RecurringJob[];
  /** The clock; tests set it. */
  clock?: () => Date;
  random?: () => number;
  /** How many jobs one look claims (default 5). */
  batchSize?: number;
  /** Told of each job's outcome and of the worker's own failures. */
  log?: (event: WorkerEvent) => void;
}

export type WorkerEvent =
  | { event: 'done'; job: JobRow }
  | { event: 'retry' | 'failed'; job: JobRow; reason: string }
  | { event: 'lost'; job: JobRow }
  | { event: 'error'; reason: string };

/** Runs one job's handler, keeping its lease alive meanwhile, and records the outcome. */
async function runJob(options: Required<Omit<WorkerOptions, 'log'>> & WorkerOptions, job: JobRow) {
  const { db, config, clock } = options;
  const handler = options.handlers[job.kind];
  const heartbeat = setInterval(
    () => void extendLease(db, job, config.jobs.leaseSeconds).catch(() => {}),
    Math.max(100, (config.jobs.leaseSeconds * 1000) / 3),
  );
  let failure: { reason: string; permanent: boolean } | undefined;
  try {
    if (!handler) throw new PermanentJobError(`No handler for jobs of kind "${job.kind}"`);
    let payload: unknown;
    try {
      payload = JSON.parse(job.payload_json);
    } catch {
      throw new PermanentJobError('The job’s payload is not JSON');
    }
    await handler({ db, config, now: clock(), job: { id: job.id, attempts: job.attempts } }, payload);
  } catch (error) {
    failure = {
      reason: error instanceof Error ? error.message : String(error),
      permanent: error instanceof PermanentJobError,
    };
  } finally {
    clearInterval(heartbeat);
  }
  if (!failure) {
    const kept = await markDone(db, job, clock());
    options.log?.(kept ? { event: 'done', job } : { event: 'lost', job });
    return;
  }
  const outcome = await markFailed(db, job, failure.reason, {
    now: clock(),
    retrySeconds: config.jobs.retrySeconds,
    permanent: failure.permanent,
    random: options.random,
  });
  options.log?.(
    outcome === 'lost' ? { event: 'lost', job } : { event: outcome, job, reason: failure.reason },
  );
}

function withDefaults(options: WorkerOptions) {
  return {
    ...options,
    workerId: options.workerId ?? workerIdentity(),
    handlers: options.handlers ?? jobHandlers,
    recurring: options.recurring ?? recurringJobs,
    clock: options.clock ?? (() => new Date()),
    random: options.random ?? Math.random,
    batchSize: options.batchSize ?? 5,
    log: options.log ?? (() => {}),
  };
}

/**
 * One look for work: queues the recurring jobs' next occurrences (unless told not to), claims a batch of due jobs and
 * runs them one after another. Returns how many it claimed. `stopping()` true between two jobs gives the rest back.
 */
export async function runDueJobs(
  options: WorkerOptions & { stopping?: () => boolean; queueRecurring?: boolean },
): Promise<number> {
  const worker = withDefaults(options);
  if (options.queueRecurring !== false) await queueRecurringJobs(worker.db, worker.recurring, worker.clock());
  const claimed = await claimJobs(worker.db, {
    workerId: worker.workerId,
    now: worker.clock(),
    leaseSeconds: worker.config.jobs.leaseSeconds,
    limit: worker.batchSize,
    skipKinds: kindsWaitingForSetUp(worker.config),
  });
  for (const [index, job] of claimed.entries()) {
    if (options.stopping?.()) {
      for (const untried of claimed.slice(index)) await releaseJob(worker.db, untried);
      break;
    }
    await runJob(worker, job);
  }
  return claimed.length;
}

export interface RunningWorker {
  workerId: string;
  /** Stops looking for work, finishes the job in hand and gives back the rest of its batch. */
  stop(): Promise<void>;
}

/** Looks for work every `config.jobs.pollMs` (at once again after a busy look) until stopped. */
export function startWorker(options: WorkerOptions): RunningWorker {
  const worker = withDefaults(options);
  let stopping = false;
  let wake: (() => void) | undefined;
  let lastRecurring = 0;
  const loop = (async () => {
    while (!stopping) {
      let claimed = 0;
      try {
        // The recurring jobs need queuing only now and then: each occurrence is far apart, and its key makes it once.
        const queueRecurring = Date.now() - lastRecurring > 60_000;
        claimed = await runDueJobs({ ...worker, stopping: () => stopping, queueRecurring });
        if (queueRecurring) lastRecurring = Date.now();
      } catch (error) {
        worker.log({ event: 'error', reason: error instanceof Error ? error.message : String(error) });
      }
      if (claimed === 0 && !stopping)
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, worker.config.jobs.pollMs);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
    }
  })();
  return {
    workerId: worker.workerId,
    async stop() {
      stopping = true;
      wake?.();
      await loop;
    },
  };
}

/** What the worker's events look like in a pino log. */
export function logWorkerEvent(
  log: {
    info(o: object, m: string): void;
    warn(o: object, m: string): void;
    error(o: object, m: string): void;
  },
  event: WorkerEvent,
): void {
  if (event.event === 'error')
    return log.error({ reason: event.reason }, 'job worker could not reach its work');
  const job = { id: event.job.id, kind: event.job.kind, attempts: event.job.attempts };
  if (event.event === 'done') return log.info({ job }, 'job done');
  if (event.event === 'lost') return log.warn({ job }, 'job lease lost to another worker');
  log.warn({ job, reason: event.reason }, event.event === 'retry' ? 'job failed, will retry' : 'job failed');
}
