// Moves the content version of every plan a transaction changed, so that any process holding a response built for the
// old version knows it is stale (src/web/responseCache.ts). Called for each change from recordChange: no door is missed.
import type { Trx } from './recordChange.js';

/** The plans each open transaction (opened by inTransaction) has changed, bumped together just before it commits. */
const changedByTransaction = new WeakMap<Trx, Set<string>>();

async function bump(trx: Trx, planIds: Iterable<string>): Promise<void> {
  // In one order whatever the transaction: two transactions that changed the same plans lock their rows alike, so
  // they queue rather than deadlock on PostgreSQL.
  for (const planId of [...new Set(planIds)].sort())
    await trx
      .updateTable('plans')
      .set({ content_version: (eb) => eb('content_version', '+', 1) })
      .where('id', '=', planId)
      .execute();
}

/**
 * Notes that these plans changed. In a transaction opened by runWithContentVersions the bump waits for its end, so the
 * plan rows are locked last, after every row the work itself locks; elsewhere it happens at once.
 */
export async function planContentChanged(trx: Trx, planIds: Iterable<string | null>): Promise<void> {
  const ids = [...planIds].filter((id): id is string => id !== null);
  if (ids.length === 0) return;
  const pending = changedByTransaction.get(trx);
  if (pending) for (const id of ids) pending.add(id);
  else await bump(trx, ids);
}

/** Runs a transaction's work, then moves the content version of every plan it changed, in the same transaction. */
export async function runWithContentVersions<T>(trx: Trx, work: (trx: Trx) => Promise<T>): Promise<T> {
  const pending = new Set<string>();
  changedByTransaction.set(trx, pending);
  const result = await work(trx);
  changedByTransaction.delete(trx);
  await bump(trx, pending);
  return result;
}
