// Files waiting in the import review: stored as they came until they are saved, cancelled or abandoned for a day.
import type { Db } from '../db/connection.js';
import type { PendingImportRow } from '../db/schema.js';
import { NotFoundError } from '../errors.js';
import type { Trx } from '../history/recordChange.js';
import { newId } from '../ids.js';
import { isColumnField, type ColumnOverrides } from './understand/columns.js';

/** A file left in review this long is taken as abandoned. */
export const pendingImportLifetimeMs = 24 * 60 * 60 * 1000;

const notFound = () => new NotFoundError('This import (it may have been saved or cancelled already)');

export interface NewPendingImport {
  fileName: string;
  bytes: Buffer;
  sheet: string | null;
  actorName: string;
  /** Only this user can review, save or cancel the import. */
  userId: string | null;
}

/** Stores a file for review and clears away those abandoned for a day; returns the new import's id. */
export async function startPendingImport(
  db: Db,
  upload: NewPendingImport,
  now = new Date(),
): Promise<string> {
  const id = newId();
  await db.kysely.transaction().execute(async (trx) => {
    await trx
      .deleteFrom('pending_imports')
      .where('created_at', '<', new Date(now.getTime() - pendingImportLifetimeMs).toISOString())
      .execute();
    await trx
      .insertInto('pending_imports')
      .values({
        id,
        file_name: upload.fileName,
        content_base64: upload.bytes.toString('base64'),
        byte_size: upload.bytes.length,
        sheet: upload.sheet,
        columns_json: '{}',
        actor: upload.actorName,
        user_id: upload.userId,
        created_at: now.toISOString(),
      })
      .execute();
  });
  return id;
}

/** The import waiting for review by this user; someone else's is "not found", as if it did not exist. */
export async function findPendingImport(
  db: Db,
  id: string,
  userId: string | null,
): Promise<PendingImportRow> {
  const pending = await db.kysely
    .selectFrom('pending_imports')
    .selectAll()
    .where('id', '=', id)
    .where((eb) => (userId === null ? eb('user_id', 'is', null) : eb('user_id', '=', userId)))
    .executeTakeFirst();
  if (!pending) throw notFound();
  return pending;
}

export function pendingBytes(pending: PendingImportRow): Buffer {
  return Buffer.from(pending.content_base64, 'base64');
}

/** The column mapping chosen so far; anything stored that is no longer a field is ignored. */
export function pendingColumns(pending: PendingImportRow): ColumnOverrides {
  let parsed: unknown;
  try {
    parsed = JSON.parse(pending.columns_json);
  } catch {
    return {};
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return {};
  return Object.fromEntries(
    Object.entries(parsed as Record<string, unknown>).filter(
      ([, field]) => field === null || isColumnField(field),
    ),
  ) as ColumnOverrides;
}

export async function setPendingColumns(db: Db, id: string, columns: ColumnOverrides): Promise<void> {
  await db.kysely
    .updateTable('pending_imports')
    .set({ columns_json: JSON.stringify(columns) })
    .where('id', '=', id)
    .execute();
}

/**
 * Removes the import inside the transaction that saves it, so a second press of Save finds nothing to save:
 * it waits for the first transaction, then deletes no row and is refused.
 */
export async function takePendingImport(trx: Trx, id: string): Promise<void> {
  const result = await trx.deleteFrom('pending_imports').where('id', '=', id).executeTakeFirst();
  if (Number(result.numDeletedRows) === 0) throw notFound();
}

/** Someone else's import, or one already gone, is "not found": a cancel must not pass for done when nothing was. */
export async function cancelPendingImport(db: Db, id: string, userId: string | null): Promise<void> {
  const result = await db.kysely
    .deleteFrom('pending_imports')
    .where('id', '=', id)
    .where((eb) => (userId === null ? eb('user_id', 'is', null) : eb('user_id', '=', userId)))
    .executeTakeFirst();
  if (Number(result.numDeletedRows) === 0) throw notFound();
}
