// Restores a backup into an empty database of either kind, in one transaction: all of it, or nothing.
import { basename } from 'node:path';
import { sql, type Insertable, type Kysely } from 'kysely';
import type { Db } from '../db/connection.js';
import { insertRows, rowsPerStatement } from '../db/insertRows.js';
import { listMigrations, migrateToLatest } from '../db/migrations.js';
import type { Database } from '../db/schema.js';
import type { Trx } from '../history/recordChange.js';
import { rebuildSearchIndex, searchIndexTables } from '../search/searchIndex.js';
import { rebuildActionStates } from '../history/actionStates.js';
import { rebuildHistorySpans } from '../history/historySpans.js';
import { BackupError, readBackup, type BackupHeader, type BackupValue } from './backupFile.js';
import { backedUpTables } from './backupTables.js';

export interface RestoreSummary {
  header: BackupHeader;
  rows: Record<string, number>;
}

/**
 * Loads `file` into `db`. Refused, with nothing written, when the file is not a whole Headway backup, when it was made
 * with other migrations than this Headway's, or when the database holds anything at all. The whole file is read and
 * checked before the database is touched, so a damaged file does not even create the tables of a new database.
 */
export async function restoreBackup(db: Db, file: string): Promise<RestoreSummary> {
  const name = basename(file);
  const header = await readHeader(file);
  checkMigrations(
    name,
    header,
    (await listMigrations(db)).map((migration) => migration.name),
  );
  const tablesInFile = new Set<string>();
  for await (const record of readBackup(file)) if (record.kind === 'table') tablesInFile.add(record.table);
  const absent = backedUpTables.filter((table) => !tablesInFile.has(table.table)).map((table) => table.table);
  if (absent.length > 0) throw new BackupError(`${name} lacks the tables ${absent.join(', ')}`);
  for (const table of tablesInFile)
    if (!backedUpTables.some((known) => known.table === table))
      throw new BackupError(`${name} holds a table that Headway does not restore: ${table}`);

  await refuseUnlessEmpty(db.kysely);
  await migrateToLatest(db);
  return db.kysely.transaction().execute(async (trx) => {
    // Again inside the transaction: nothing may have been written since the first look.
    await refuseUnlessEmpty(trx);
    const rows = await loadRows(trx, file);
    // Backups leave the search index out: it is made again from the rows just restored.
    await rebuildSearchIndex(trx);
    await rebuildActionStates(trx);
    await rebuildHistorySpans(trx);
    if (db.dialect === 'postgres') await moveSequencesPastRestoredRows(trx);
    return { header, rows };
  });
}

async function readHeader(file: string): Promise<BackupHeader> {
  for await (const record of readBackup(file)) if (record.kind === 'header') return record.header;
  throw new BackupError(`${basename(file)} is not a Headway backup`);
}

/** The rows fit only the schema they were read from: the same migrations, no more and no fewer. */
function checkMigrations(name: string, header: BackupHeader, known: string[]): void {
  const newer = header.migrations.filter((migration) => !known.includes(migration));
  if (newer.length > 0)
    throw new BackupError(
      `${name} was made by a newer Headway (${header.headwayVersion}) with migrations this one does not have (${newer.join(', ')}): restore it with that version or later`,
    );
  const missing = known.filter((migration) => !header.migrations.includes(migration));
  if (missing.length > 0)
    throw new BackupError(
      `${name} was made by an older Headway (${header.headwayVersion}) before the migrations ${missing.join(', ')}: restore it with that version into an empty database, then start this one, which brings it up to date`,
    );
}

async function refuseUnlessEmpty(executor: Kysely<Database>): Promise<void> {
  const tables = await executor.introspection.getTables();
  const held: string[] = [];
  for (const table of tables) {
    // The search index's own tables are never empty on SQLite (FTS5 keeps its settings in them), and hold only what
    // is derived from the other tables.
    if (searchIndexTables.includes(table.name)) continue;
    const { rows } = await sql<{
      n: number | string;
    }>`select count(*) as n from ${sql.table(table.name)}`.execute(executor);
    const n = Number(rows[0]?.n ?? 0);
    if (n > 0) held.push(`${n} ${table.name.replaceAll('_', ' ')}`);
  }
  if (held.length > 0)
    throw new BackupError(
      `The database is not empty (it holds ${held.join(', ')}); a backup is restored only into an empty database`,
    );
}

async function loadRows(trx: Trx, file: string): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  const tableColumns = new Map(
    (await trx.introspection.getTables()).map((table) => [
      table.name,
      table.columns.map((column) => column.name),
    ]),
  );
  let current: { table: keyof Database & string; columns: string[] } | undefined;
  let batch: Record<string, BackupValue>[] = [];
  const flush = async () => {
    if (!current || batch.length === 0) return;
    const { table } = current;
    try {
      await insertRows(trx, table, batch as Insertable<Database[typeof table]>[]);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new BackupError(`The rows of ${table} could not be restored (${reason})`);
    }
    counts[table] = (counts[table] ?? 0) + batch.length;
    batch = [];
  };
  for await (const record of readBackup(file)) {
    if (record.kind === 'table') {
      await flush();
      const columns = tableColumns.get(record.table) ?? [];
      const unknown = record.columns.filter((column) => !columns.includes(column));
      if (unknown.length > 0)
        throw new BackupError(
          `The backup's ${record.table} has columns this database lacks: ${unknown.join(', ')}`,
        );
      current = { table: record.table as keyof Database & string, columns: record.columns };
      counts[record.table] = 0;
    } else if (record.kind === 'row' && current) {
      const row: Record<string, BackupValue> = {};
      current.columns.forEach((column, index) => (row[column] = record.values[index]!));
      batch.push(row);
      if (batch.length >= rowsPerStatement) await flush();
    }
  }
  await flush();
  return counts;
}

/** Restored rows keep their ids; each id sequence must start after them, or the next history row would collide. */
async function moveSequencesPastRestoredRows(trx: Kysely<Database>): Promise<void> {
  const { rows } = await sql<{ table_name: string; column_name: string }>`
    select table_name, column_name from information_schema.columns
    where table_schema = current_schema() and column_default like 'nextval(%'`.execute(trx);
  for (const { table_name: table, column_name: column } of rows)
    await sql`select setval(pg_get_serial_sequence(${table}, ${column}), coalesce((select max(${sql.ref(
      column,
    )}) from ${sql.table(table)}), 0) + 1, false)`.execute(trx);
}
