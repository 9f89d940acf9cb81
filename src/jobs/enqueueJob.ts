// Asks for work to be done outside the request, in the caller's transaction: the work exists if and only if the
// change that asked for it was saved. The worker (src/jobs/) claims it with a lease and runs its handler.
import { nowIso } from '../db/migrations.js';
import type { Trx } from '../history/recordChange.js';
import { newId } from '../ids.js';

export interface JobRequest {
  /** Which handler does it (src/jobs/jobHandlers.ts). */
  kind: string;
  /** What the handler needs, as plain JSON. */
  payload: unknown;
  /** Not before this moment (ISO 8601, UTC); now when left out. */
  runAt?: string;
  /**
   * Work that must happen once however often it is asked for names itself ("digest:USER:2026-W49"): a second request
   * with the same key, from this process or another, is ignored and the first job's id returned.
   */
  uniqueKey?: string;
  /** How many tries before the job is marked failed (default 5). */
  maxAttempts?: number;
  /** The plan it concerns, if any. */
  planId?: string | null;
}

/** Queues one job; returns its id (or the id of the job already queued under the same unique key). */
export async function enqueueJob(trx: Trx, request: JobRequest): Promise<string> {
  const id = newId();
  const inserted = await trx
    .insertInto('jobs')
    .values({
      id,
      kind: request.kind,
      payload_json: JSON.stringify(request.payload),
      unique_key: request.uniqueKey ?? null,
      state: 'queued',
      run_at: request.runAt ?? nowIso(),
      max_attempts: request.maxAttempts ?? 5,
      lease_until: null,
      leased_by: null,
      last_error: null,
      plan_id: request.planId ?? null,
      created_at: nowIso(),
      finished_at: null,
    })
    .onConflict((conflict) => conflict.column('unique_key').doNothing())
    .returning('id')
    .executeTakeFirst();
  if (inserted) return inserted.id;
  const existing = await trx
    .selectFrom('jobs')
    .select('id')
    .where('unique_key', '=', request.uniqueKey ?? '')
    .executeTakeFirstOrThrow();
  return existing.id;
}
