// Runs one change to data in one transaction: everything it writes, history and plan versions included, or nothing.
import type { Db } from './connection.js';
import { runWithContentVersions } from '../history/contentVersion.js';
import type { Trx } from '../history/recordChange.js';

export function inTransaction<T>(db: Db, work: (trx: Trx) => Promise<T>): Promise<T> {
  return db.kysely.transaction().execute((trx) => runWithContentVersions(trx, work));
}
