import { beforeEach, expect, it } from 'vitest';
import { readConfig } from '../config.js';
import type { Db } from '../db/connection.js';
import { inTransaction } from '../db/transaction.js';
import { queueEmail } from '../mail/emailMessage.js';
import { describeEachDatabase } from '../testing/databases.js';
import { enqueueJob, type JobRequest } from './enqueueJob.js';
import { PermanentJobError } from './jobErrors.js';
import type { JobHandler } from './jobHandlers.js';
import {
  claimJobs,
  markDone,
  queueRecurringJobs,
  retryDelayMs,
  runDueJobs,
  startWorker,
  type WorkerEvent,
} from './worker.js';

const config = readConfig({ HEADWAY_JOBS_RETRY_SECONDS: '30', HEADWAY_JOBS_LEASE_SECONDS: '60' });
const at = (iso: string) => new Date(iso);
const noon = at('2026-12-02T12:00:00.000Z');
const later = (date: Date, seconds: number) => new Date(date.getTime() + seconds * 1000);

function queue(db: Db, request: Partial<JobRequest> = {}) {
  return inTransaction(db, (trx) =>
    enqueueJob(trx, { kind: 'count', payload: {}, runAt: noon.toISOString(), ...request }),
  );
}

function jobById(db: Db, id: string) {
  return db.kysely.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

it('waits longer after each failed try, doubling, with jitter between half and all of the delay', () => {
  expect(retryDelayMs(1, 30, () => 1)).toBe(30_000);
  expect(retryDelayMs(1, 30, () => 0)).toBe(15_000);
  expect(retryDelayMs(2, 30, () => 1)).toBe(60_000);
  expect(retryDelayMs(4, 30, () => 1)).toBe(240_000);
  expect(retryDelayMs(4, 30, () => 0.5)).toBe(180_000);
  // Never more than six hours, however many tries.
  expect(retryDelayMs(40, 30, () => 1)).toBe(6 * 60 * 60 * 1000);
});

describeEachDatabase('The job worker', (current) => {
  beforeEach(async () => {
    await current().kysely.deleteFrom('jobs').execute();
  });

  it('claims only jobs whose time has come, and a claimed job is no one else’s until its lease runs out', async () => {
    const db = current();
    const due = await queue(db);
    await queue(db, { runAt: later(noon, 3600).toISOString() });
    const first = await claimJobs(db, { workerId: 'one', now: noon, leaseSeconds: 60, limit: 10 });
    expect(first.map((job) => [job.id, job.state, job.attempts, job.leased_by])).toEqual([
      [due, 'running', 1, 'one'],
    ]);
    expect(
      await claimJobs(db, { workerId: 'two', now: later(noon, 59), leaseSeconds: 60, limit: 10 }),
    ).toEqual([]);
    // The first worker died: its lease runs out and another takes the job, as its second try.
    const again = await claimJobs(db, { workerId: 'two', now: later(noon, 61), leaseSeconds: 60, limit: 10 });
    expect(again.map((job) => [job.id, job.attempts, job.leased_by])).toEqual([[due, 2, 'two']]);
    // The first worker, alive after all, finishing late does not overwrite the new holder's claim.
    expect(await markDone(db, first[0]!, later(noon, 62))).toBe(false);
    expect((await jobById(db, due)).state).toBe('running');
  });

  it('never gives one job to two workers claiming at the same moment', async () => {
    const db = current();
    const ids = await Promise.all(Array.from({ length: 12 }, () => queue(db)));
    const claims = await Promise.all(
      ['a', 'b', 'c', 'd'].map((workerId) =>
        claimJobs(db, { workerId, now: noon, leaseSeconds: 60, limit: 4 }),
      ),
    );
    const claimed = claims.flat().map((job) => job.id);
    expect(new Set(claimed).size).toBe(claimed.length);
    expect(claimed.sort()).toEqual(ids.sort());
  });

  it('marks a job done when its handler returns, handing it the payload, its id and its try', async () => {
    const db = current();
    const seen: unknown[] = [];
    const id = await queue(db, { payload: { plan: 'culture' } });
    const count: JobHandler = async (context, payload) => {
      seen.push([payload, context.job, context.now.toISOString()]);
    };
    expect(await runDueJobs({ db, config, recurring: [], clock: () => noon, handlers: { count } })).toBe(1);
    expect(seen).toEqual([[{ plan: 'culture' }, { id, attempts: 1 }, noon.toISOString()]]);
    expect(await jobById(db, id)).toMatchObject({
      state: 'done',
      finished_at: noon.toISOString(),
      lease_until: null,
    });
    expect(
      await runDueJobs({ db, config, recurring: [], clock: () => later(noon, 3600), handlers: { count } }),
    ).toBe(0);
  });

  it('tries a failing job again after a back-off, then marks it failed with the reason after its last try', async () => {
    const db = current();
    const id = await queue(db, { maxAttempts: 3 });
    const events: WorkerEvent[] = [];
    const count: JobHandler = async (context) => {
      throw new Error(`451 4.3.0 Try again later (try ${context.job.attempts})`);
    };
    const run = (now: Date) =>
      runDueJobs({
        db,
        config,
        clock: () => now,
        random: () => 1,
        handlers: { count },
        log: (e) => events.push(e),
      });
    await run(noon);
    expect(await jobById(db, id)).toMatchObject({
      state: 'queued',
      attempts: 1,
      run_at: later(noon, 30).toISOString(),
      last_error: '451 4.3.0 Try again later (try 1)',
    });
    expect(await run(later(noon, 29))).toBe(0);
    await run(later(noon, 30));
    expect(await jobById(db, id)).toMatchObject({ state: 'queued', run_at: later(noon, 90).toISOString() });
    await run(later(noon, 90));
    expect(await jobById(db, id)).toMatchObject({
      state: 'failed',
      attempts: 3,
      finished_at: later(noon, 90).toISOString(),
      last_error: '451 4.3.0 Try again later (try 3)',
    });
    expect(events.map((e) => e.event)).toEqual(['retry', 'retry', 'failed']);
  });

  it('fails at once a job refused for good, or of a kind no handler does', async () => {
    const db = current();
    const refused = await queue(db, { kind: 'refused' });
    const unknown = await queue(db, { kind: 'nobody-does-this' });
    const handlers: Record<string, JobHandler> = {
      refused: async () => {
        throw new PermanentJobError('550 5.1.1 No such mailbox');
      },
    };
    await runDueJobs({ db, config, recurring: [], clock: () => noon, handlers });
    expect(await jobById(db, refused)).toMatchObject({
      state: 'failed',
      attempts: 1,
      last_error: '550 5.1.1 No such mailbox',
    });
    expect(await jobById(db, unknown)).toMatchObject({
      state: 'failed',
      last_error: 'No handler for jobs of kind "nobody-does-this"',
    });
  });

  it('leaves e-mail queued and untried while e-mail is not set up', async () => {
    const db = current();
    const id = await inTransaction(db, (trx) =>
      queueEmail(
        trx,
        { to: 'a@example.org', subject: 'Hello', marking: '', paragraphs: ['Hi'] },
        { runAt: noon.toISOString() },
      ),
    );
    expect(config.mail).toBeUndefined();
    expect(await runDueJobs({ db, config, recurring: [], clock: () => noon })).toBe(0);
    expect(await jobById(db, id)).toMatchObject({ state: 'queued', attempts: 0 });
  });

  it('keeps the next occurrence of each recurring job queued once, and runs it when it comes', async () => {
    const db = current();
    const hourly = {
      kind: 'hourly',
      next: (after: Date) => new Date(Math.floor(after.getTime() / 3_600_000 + 1) * 3_600_000),
    };
    await Promise.all([
      queueRecurringJobs(db, [hourly], noon),
      queueRecurringJobs(db, [hourly], later(noon, 10)),
    ]);
    const queued = await db.kysely.selectFrom('jobs').select(['unique_key', 'run_at', 'state']).execute();
    expect(queued).toEqual([
      { unique_key: 'hourly:2026-12-02T13:00:00.000Z', run_at: '2026-12-02T13:00:00.000Z', state: 'queued' },
    ]);
    const ran: unknown[] = [];
    const handlers = { hourly: async (_: unknown, payload: unknown) => void ran.push(payload) };
    await runDueJobs({ db, config, clock: () => later(noon, 3600), handlers, recurring: [hourly] });
    expect(ran).toEqual([{ at: '2026-12-02T13:00:00.000Z' }]);
    const after = await db.kysely
      .selectFrom('jobs')
      .select(['unique_key', 'state'])
      .orderBy('run_at')
      .execute();
    expect(after).toEqual([
      { unique_key: 'hourly:2026-12-02T13:00:00.000Z', state: 'done' },
      { unique_key: 'hourly:2026-12-02T14:00:00.000Z', state: 'queued' },
    ]);
  });

  it('stops cleanly: finishes the job in hand and gives the rest of its batch back untried', async () => {
    const db = current();
    const ids = await Promise.all([1, 2, 3].map(() => queue(db)));
    let release: () => void = () => {};
    let started: () => void = () => {};
    const startedOne = new Promise<void>((resolve) => (started = resolve));
    const slow: JobHandler = () =>
      new Promise<void>((resolve) => {
        release = resolve;
        started();
      });
    const worker = startWorker({
      db,
      config,
      clock: () => noon,
      handlers: { count: slow },
      batchSize: 3,
      recurring: [],
    });
    await startedOne;
    const stopped = worker.stop();
    release();
    await stopped;
    const states = await db.kysely
      .selectFrom('jobs')
      .select(['id', 'state', 'attempts', 'leased_by'])
      .where('id', 'in', ids)
      .execute();
    expect(states.filter((job) => job.state === 'done')).toHaveLength(1);
    expect(
      states.filter((job) => job.state === 'queued').map((job) => [job.attempts, job.leased_by]),
    ).toEqual([
      [0, null],
      [0, null],
    ]);
  });
});
