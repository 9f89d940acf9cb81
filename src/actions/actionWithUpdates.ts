// An action with its owners and its updates, read in one statement: the API's point read waits on one round trip
// for it (with the user and the plan found in the round trip before, src/web/access.ts).
import { jsonArrayFrom as postgresArrayFrom } from 'kysely/helpers/postgres';
import { jsonArrayFrom as sqliteArrayFrom } from 'kysely/helpers/sqlite';
import type { Db } from '../db/connection.js';
import type { UpdateRow } from '../db/schema.js';
import { NotFoundError } from '../errors.js';
import type { ActionWithOwners } from './actionCommands.js';

/** SQLite gives an aggregated JSON array as its text, PostgreSQL as the array itself. */
function rowsOf<Row>(value: unknown): Row[] {
  return (typeof value === 'string' ? JSON.parse(value) : value) as Row[];
}

/**
 * SQLite's JSON objects are built from named columns only, so an update's are named here; the test that compares this
 * read with `updatesNewestFirst` (which reads them all) fails when a column is added and not here.
 */
const updateColumns = [
  'updates.id',
  'updates.plan_id',
  'updates.action_id',
  'updates.theme_id',
  'updates.effective_on',
  'updates.author',
  'updates.body',
  'updates.status_change',
  'updates.version',
  'updates.created_at',
] as const;

/** The action, as `findAction` gives it, and its updates newest first, as `updatesNewestFirst` gives them. */
export async function findActionWithUpdates(
  db: Db,
  planId: string,
  actionId: string,
): Promise<{ action: ActionWithOwners; updates: UpdateRow[] }> {
  const jsonArrayFrom = db.dialect === 'postgres' ? postgresArrayFrom : sqliteArrayFrom;
  const row = await db.kysely
    .selectFrom('actions')
    .selectAll('actions')
    .select((eb) => [
      jsonArrayFrom(
        eb
          .selectFrom('action_owners')
          .innerJoin('owners', 'owners.id', 'action_owners.owner_id')
          .select('owners.name')
          .whereRef('action_owners.action_id', '=', 'actions.id')
          .orderBy('action_owners.position'),
      ).as('owner_rows'),
      jsonArrayFrom(
        eb
          .selectFrom('updates')
          .select(updateColumns)
          .where('updates.plan_id', '=', planId)
          .whereRef('updates.action_id', '=', 'actions.id')
          .orderBy('updates.effective_on', 'desc')
          .orderBy('updates.created_at', 'desc'),
      ).as('update_rows'),
    ])
    .where('actions.id', '=', actionId)
    .where('actions.plan_id', '=', planId)
    .executeTakeFirst();
  if (!row) throw new NotFoundError('Action');
  const { owner_rows, update_rows, ...action } = row;
  return {
    action: { ...action, owners: rowsOf<{ name: string }>(owner_rows).map((owner) => owner.name) },
    updates: rowsOf<UpdateRow>(update_rows),
  };
}
