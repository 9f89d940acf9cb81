// Inserts many rows of one table in as few statements as each database takes well: an import writes thousands.
import { PostgresAdapter, sql, type Insertable } from 'kysely';
import type { Database } from './schema.js';
import type { Trx } from '../history/recordChange.js';

/**
 * PostgreSQL gets each batch of rows as one JSON parameter that json_populate_recordset turns back into rows of the
 * table's own type: one short statement with one parameter, so no 65,535-parameter limit, no statement thousands of
 * placeholders long to build and parse, and no per-column casts. SQLite runs in-process; there the rows go as
 * multi-row VALUES lists, kept under its 32,766-variable limit. Every row must have the same columns.
 */
export async function insertRows<T extends keyof Database & string>(
  trx: Trx,
  table: T,
  rows: Insertable<Database[T]>[],
): Promise<void> {
  await insertBatches(trx, table, rows, false);
}

/**
 * As insertRows, into a table whose `id` the database numbers, giving back the ids in the rows' order: each statement
 * numbers its rows in the order given, and the statements run one after another.
 */
export async function insertRowsNumbered<T extends keyof Database & string>(
  trx: Trx,
  table: T,
  rows: Insertable<Database[T]>[],
): Promise<number[]> {
  return insertBatches(trx, table, rows, true);
}

async function insertBatches<T extends keyof Database & string>(
  trx: Trx,
  table: T,
  rows: Insertable<Database[T]>[],
  numbered: boolean,
): Promise<number[]> {
  const ids: number[] = [];
  if (rows.length === 0) return ids;
  // A statement's ids come back in no promised order; they were given in the rows' order, so sorting restores it.
  const keep = (returned: { id: number | string }[]) =>
    ids.push(...returned.map((row) => Number(row.id)).sort((a, b) => a - b));
  // A column left undefined takes its default, as in Kysely's own inserts; naming it would store null instead.
  const columns = Object.entries(rows[0]!)
    .filter(([, value]) => value !== undefined)
    .map(([column]) => column);
  if (isPostgres(trx)) {
    const names = sql.join(columns.map((column) => sql.ref(column)));
    const returning = numbered ? sql` returning id` : sql``;
    for (let i = 0; i < rows.length; i += rowsPerStatement) {
      const result = await sql<{
        id: number | string;
      }>`insert into ${sql.table(table)} (${names}) select ${names} from json_populate_recordset(null::${sql.table(table)}, ${JSON.stringify(rows.slice(i, i + rowsPerStatement))})${returning}`.execute(
        trx,
      );
      if (numbered) keep(result.rows);
    }
    return ids;
  }
  const perStatement = Math.min(rowsPerStatement, Math.floor(32766 / columns.length));
  for (let i = 0; i < rows.length; i += perStatement) {
    const insert = trx.insertInto(table).values(rows.slice(i, i + perStatement) as never);
    if (numbered)
      keep((await insert.returning(sql<number>`id`.as('id')).execute()) as unknown as { id: number }[]);
    else await insert.execute();
  }
  return ids;
}

/**
 * Rows per statement. More saves nothing measurable (the database's work is per row, not per statement) and holds
 * more in memory at once: an import's history rows carry whole actions.
 */
export const rowsPerStatement = 500;

function isPostgres(trx: Trx): boolean {
  return trx.getExecutor().adapter instanceof PostgresAdapter;
}
