// The one way a versioned record (plan, theme, action, update, report, owner) is changed: only from the version the change
// started from, bumping it in the same statement, so that two changes made from one version can never both land.
import { PostgresAdapter, type Updateable } from 'kysely';
import { ConflictError, NotFoundError } from '../errors.js';
import type { Trx } from '../history/recordChange.js';
import type { Database, Status } from './schema.js';

export type VersionedTable =
  | 'plans'
  | 'themes'
  | 'actions'
  | 'updates'
  | 'reports'
  | 'owners'
  | 'update_rounds'
  | 'findings'
  | 'survey_waves'
  | 'survey_questions'
  | 'staff_pages'
  | 'staff_marks';

const recordNames: Record<VersionedTable, string> = {
  plans: 'plan',
  themes: 'theme',
  actions: 'action',
  updates: 'update',
  reports: 'report',
  owners: 'owner',
  update_rounds: 'update request',
  findings: 'finding',
  survey_waves: 'survey',
  survey_questions: 'survey question',
  staff_pages: 'staff page',
  staff_marks: 'staff page entry',
};

/** What may be written besides the version, which only updateAtVersion moves. */
export type VersionedValues<T extends VersionedTable> = Omit<Updateable<Database[T]>, 'id' | 'version'>;

/** Refuses a change that started from another version than the one read, before any work is done for it. */
export function checkVersion(
  table: VersionedTable,
  current: { version: number },
  expectedVersion: number,
): void {
  if (current.version !== expectedVersion)
    throw new ConflictError(`This ${recordNames[table]}`, current.version, current);
}

/**
 * `UPDATE … SET …, version = version + 1 WHERE id = ? AND version = ?`: the check and the bump are one statement, so
 * on PostgreSQL a change that waited for another's row lock finds the version moved and is refused (ConflictError
 * with the record as it now stands) instead of overwriting it. Returns the new version.
 */
export async function updateAtVersion<T extends VersionedTable>(
  trx: Trx,
  table: T,
  id: string,
  expectedVersion: number,
  values: VersionedValues<T>,
): Promise<number> {
  // Every versioned table has id and version; the query is typed on one of them to keep Kysely's types simple.
  const result = await trx
    .updateTable(table as 'actions')
    .set({ ...(values as VersionedValues<'actions'>), version: (eb) => eb('version', '+', 1) })
    .where('id', '=', id)
    .where('version', '=', expectedVersion)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) === 1) return expectedVersion + 1;
  const current = await trx
    .selectFrom(table as 'actions')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
  const name = recordNames[table];
  if (!current) throw new NotFoundError(name.charAt(0).toUpperCase() + name.slice(1));
  checkVersion(table, current, expectedVersion);
  // The row is at the expected version after all: only a database fault leaves an update that matched nothing.
  throw new Error(`Updating ${name} ${id} at version ${expectedVersion} changed no row`);
}

/**
 * A read that a change will be worked out from, holding the rows it reads until the transaction ends, so that nothing
 * changes them between this read and the write. On PostgreSQL that is `FOR NO KEY UPDATE`, the lock an UPDATE itself
 * takes: it waits for other writers but not for the key-share locks that inserting a child row (an update on an
 * action) takes, which `FOR UPDATE` would wait for and deadlock on; `deleting` takes `FOR UPDATE`, which does keep
 * new children out. SQLite needs no lock: Headway's connection runs one transaction at a time, and another process's
 * write in between makes SQLite refuse this transaction's write (SQLITE_BUSY) rather than let it land on a stale read.
 */
export function forChange<Query extends { forUpdate(): Query; forNoKeyUpdate(): Query }>(
  trx: Trx,
  query: Query,
  { deleting = false } = {},
): Query {
  if (!(trx.getExecutor().adapter instanceof PostgresAdapter)) return query;
  return deleting ? query.forUpdate() : query.forNoKeyUpdate();
}

/**
 * Holds the plan's row until the transaction ends, for a change that checks something across the plan before it
 * writes (a reference not yet taken, a record not yet made): two such changes at once are then checked one after the
 * other instead of both passing (PostgreSQL; SQLite writes one at a time).
 */
export async function holdPlan(trx: Trx, planId: string): Promise<void> {
  await forChange(trx, trx.selectFrom('plans').select('id').where('id', '=', planId)).execute();
}

/** The version and status of a plan's action or theme, read to change it (see forChange). */
export async function lockedState(
  trx: Trx,
  table: 'actions' | 'themes',
  planId: string,
  id: string,
): Promise<{ version: number; status: Status | null } | undefined> {
  return forChange(
    trx,
    trx
      .selectFrom(table as 'themes')
      .select(['version', 'status'])
      .where('id', '=', id)
      .where('plan_id', '=', planId),
  ).executeTakeFirst();
}
