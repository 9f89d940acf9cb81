// Takes a backup: every table in backupTables.ts read inside one read-only snapshot, streamed to a gzip'd file.
import { existsSync, readFileSync } from 'node:fs';
import { open, rename, rm, stat } from 'node:fs/promises';
import { createWriteStream } from 'node:fs';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { sql, type Kysely } from 'kysely';
import type { Db } from '../db/connection.js';
import { nowIso } from '../db/migrations.js';
import type { Database } from '../db/schema.js';
import { projectRoot } from '../web/projectRoot.js';
import {
  BackupError,
  backupFormat,
  backupFormatVersion,
  endLine,
  headerLine,
  rowLine,
  tableLine,
  type BackupHeader,
  type BackupValue,
} from './backupFile.js';
import { backedUpTables, leftOutTables, type BackedUpTable } from './backupTables.js';

export interface BackupSummary {
  takenAt: string;
  rows: Record<string, number>;
  bytes: number;
}

export const headwayVersion = (
  JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { version: string }
).version;

/** Rows read per query; each query starts after the last key of the one before, so none is read twice. */
const defaultBatchSize = 1000;

/**
 * Writes a backup of `db` to `file`, which must not exist yet. The rows come from one snapshot (PostgreSQL: one
 * REPEATABLE READ, READ ONLY transaction; SQLite: one read transaction, which sees the database as it stood when it
 * began while the app goes on writing to the WAL), so the backup is consistent however long it takes. It is written
 * under another name, flushed to the disk and only then renamed, so a backup that fails part-way leaves no file that
 * looks whole.
 */
export async function writeBackup(
  db: Db,
  file: string,
  options: { batchSize?: number } = {},
): Promise<BackupSummary> {
  if (existsSync(file)) throw new BackupError(`${file} already exists; give the backup a new name`);
  const columns = await columnsOfTables(db);
  const partial = `${file}.partial-${process.pid}`;
  const rows: Record<string, number> = {};
  let takenAt = '';
  try {
    await inSnapshot(db, async (trx) => {
      // Taken before the first read, which is when the snapshot begins: every write committed before it is inside.
      takenAt = nowIso();
      const migrations = await appliedMigrations(trx);
      if (migrations.length === 0)
        throw new BackupError('The database has no Headway tables: nothing to back up');
      const header: BackupHeader = {
        format: backupFormat,
        formatVersion: backupFormatVersion,
        headwayVersion,
        migrations,
        takenAt,
        database: db.dialect,
      };
      async function* lines(): AsyncGenerator<string> {
        yield headerLine(header);
        for (const table of backedUpTables) {
          const names = columns.get(table.table)!;
          yield tableLine(table.table, names);
          let count = 0;
          for await (const row of readTable(trx, table, names, options.batchSize ?? defaultBatchSize)) {
            count += 1;
            yield rowLine(row);
          }
          rows[table.table] = count;
        }
        yield endLine(rows);
      }
      await pipeline(Readable.from(lines()), createGzip(), createWriteStream(partial, { flags: 'wx' }));
    });
    const handle = await open(partial, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(partial, file);
    await syncFolder(dirname(file));
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
  return { takenAt, rows, bytes: (await stat(file)).size };
}

function inSnapshot<T>(db: Db, work: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
  const builder = db.kysely.transaction();
  // Read only on both: on SQLite that reads from one snapshot without holding the write lock (src/db/connection.ts).
  return (
    db.dialect === 'postgres'
      ? builder.setIsolationLevel('repeatable read').setAccessMode('read only')
      : builder.setAccessMode('read only')
  ).execute(work);
}

async function appliedMigrations(trx: Kysely<Database>): Promise<string[]> {
  const found = await trx.introspection.getTables({ withInternalKyselyTables: true });
  if (!found.some((table) => table.name === 'kysely_migration')) return [];
  const { rows } = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(trx);
  return rows.map((row) => row.name);
}

/** Each table's columns in the database's own order; a table no list knows stops the backup rather than be missed. */
async function columnsOfTables(db: Db): Promise<Map<string, string[]>> {
  const tables = await db.kysely.introspection.getTables();
  if (tables.length === 0) throw new BackupError('The database has no Headway tables: nothing to back up');
  const unknown = tables
    .map((table) => table.name)
    .filter((name) => !backedUpTables.some((t) => t.table === name) && !(name in leftOutTables));
  if (unknown.length > 0)
    throw new BackupError(
      `The database has tables that backups do not know (${unknown.join(', ')}): this Headway is older than the database`,
    );
  const columns = new Map(tables.map((table) => [table.name, table.columns.map((column) => column.name)]));
  const missing = backedUpTables.filter((table) => !columns.has(table.table)).map((table) => table.table);
  if (missing.length > 0)
    throw new BackupError(
      `The database lacks tables (${missing.join(', ')}); run \`headway migrate\` on it first`,
    );
  return columns;
}

/** A table's rows in key order, a batch per query, never the whole table in memory. */
async function* readTable(
  trx: Kysely<Database>,
  table: BackedUpTable,
  columns: string[],
  batchSize: number,
): AsyncGenerator<BackupValue[]> {
  const selected = sql.join(columns.map((column) => sql.ref(column)));
  const key = sql.join(table.key.map((column) => sql.ref(column)));
  let last: unknown[] | undefined;
  for (;;) {
    const after = last ? sql`where (${key}) > (${sql.join(last)})` : sql``;
    const { rows } = await sql<Record<string, unknown>>`select ${selected} from ${sql.table(
      table.table,
    )} ${after} order by ${key} limit ${batchSize}`.execute(trx);
    for (const row of rows) yield columns.map((column) => portable(table.table, column, row[column]));
    if (rows.length < batchSize) return;
    const lastRow = rows[rows.length - 1]!;
    last = table.key.map((column) => lastRow[column]);
  }
}

function portable(table: string, column: string, value: unknown): BackupValue {
  if (value === null || typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'bigint' && Number.isSafeInteger(Number(value))) return Number(value);
  throw new BackupError(
    `${table}.${column} holds a value a backup cannot carry (${typeof value}); the backup was not written`,
  );
}

/** A rename is only durable once the folder holding it is flushed too. */
async function syncFolder(folder: string): Promise<void> {
  const handle = await open(folder, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
