// Everything in a database, table by table: what tests compare before and after to show a refusal changed nothing.
import type { Db } from '../db/connection.js';

export async function everything(db: Db): Promise<Record<string, string[]>> {
  const tables = await db.kysely.introspection.getTables();
  const contents: Record<string, string[]> = {};
  for (const table of tables) {
    const rows = await db.kysely
      .selectFrom(table.name as never)
      .selectAll()
      .execute();
    contents[table.name] = rows.map((row) => JSON.stringify(row)).sort();
  }
  return contents;
}
