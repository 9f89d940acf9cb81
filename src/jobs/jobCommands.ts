// Changes to jobs made by people (the outbox's Retry button, `headway jobs retry`): the worker makes all the others.
import { nowIso } from '../db/migrations.js';
import type { Trx } from '../history/recordChange.js';
import { InvalidInputError, NotFoundError } from '../errors.js';

const stateWords: Record<string, string> = {
  queued: 'still waiting to be sent',
  running: 'being sent now',
  done: 'already sent',
  cancelled: 'cancelled',
};

/**
 * Queues a failed job again, due now, with all its tries before it; its last failure stays on show until the next
 * outcome replaces it. Anything but a failed job is refused: a queued one is tried anyway, a done one must not be
 * done twice. `kind` limits it to one kind of job (the outbox retries only e-mail).
 */
export async function retryJob(trx: Trx, id: string, options: { kind?: string } = {}): Promise<void> {
  const what = options.kind === 'email' ? 'Message' : 'Job';
  const job = await trx.selectFrom('jobs').select(['state', 'kind']).where('id', '=', id).executeTakeFirst();
  if (!job || (options.kind && job.kind !== options.kind)) throw new NotFoundError(what);
  if (job.state !== 'failed')
    throw new InvalidInputError(
      {
        job: `Only a ${what.toLowerCase()} that failed can be tried again: this one is ${stateWords[job.state]}`,
      },
      `${what} ${id} is ${stateWords[job.state]}`,
    );
  await trx
    .updateTable('jobs')
    .set({
      state: 'queued',
      attempts: 0,
      run_at: nowIso(),
      finished_at: null,
      lease_until: null,
      leased_by: null,
    })
    .where('id', '=', id)
    .where('state', '=', 'failed')
    .execute();
}
