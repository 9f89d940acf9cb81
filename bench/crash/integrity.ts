// After a crash: is the database whole (SQLite's integrity check, PostgreSQL's amcheck where it is installed), do
// all foreign keys hold, and is every acknowledged write there?
import { sql } from 'kysely';
import type { Db } from '../../src/db/connection.js';

export interface Acknowledged {
  kind: 'action' | 'update';
  id: string;
  /** The action's title or the update's body, as sent. */
  text: string;
}

export interface IntegrityResult {
  /** Problems found; empty when the database is whole. */
  problems: string[];
  /** What was checked, for the record. */
  checks: string;
  lost: Acknowledged[];
}

export async function checkAfterCrash(db: Db, acknowledged: Acknowledged[]): Promise<IntegrityResult> {
  const { problems, checks } = db.dialect === 'sqlite' ? await checkSqlite(db) : await checkPostgres(db);
  return { problems, checks, lost: await lostWrites(db, acknowledged) };
}

async function checkSqlite(db: Db) {
  const problems: string[] = [];
  const integrity = await sql<{ integrity_check: string }>`pragma integrity_check`.execute(db.kysely);
  const verdict = integrity.rows.map((row) => row.integrity_check);
  if (verdict.join() !== 'ok') problems.push(`integrity_check: ${verdict.join('; ')}`);
  const orphans = await sql<{ table: string; parent: string }>`pragma foreign_key_check`.execute(db.kysely);
  for (const row of orphans.rows) problems.push(`a row of ${row.table} names a missing ${row.parent}`);
  return { problems, checks: 'PRAGMA integrity_check, PRAGMA foreign_key_check' };
}

async function checkPostgres(db: Db) {
  const problems: string[] = [];
  const { rows: keys } = await sql<{
    child: string;
    parent: string;
    child_columns: string[];
    parent_columns: string[];
  }>`
    select conrelid::regclass::text as child, confrelid::regclass::text as parent,
      array(select a.attname::text from unnest(conkey) with ordinality k(n, i)
            join pg_attribute a on a.attrelid = conrelid and a.attnum = k.n order by k.i) as child_columns,
      array(select a.attname::text from unnest(confkey) with ordinality k(n, i)
            join pg_attribute a on a.attrelid = confrelid and a.attnum = k.n order by k.i) as parent_columns
    from pg_constraint where contype = 'f' and connamespace = current_schema()::regnamespace`.execute(
    db.kysely,
  );
  for (const key of keys) {
    const present = sql.join(
      key.child_columns.map((c) => sql`c.${sql.ref(c)} is not null`),
      sql` and `,
    );
    const matches = sql.join(
      key.child_columns.map((c, i) => sql`p.${sql.ref(key.parent_columns[i]!)} = c.${sql.ref(c)}`),
      sql` and `,
    );
    const { rows } = await sql<{ n: number }>`select count(*) as n from ${sql.table(key.child)} c
      where ${present} and not exists (select 1 from ${sql.table(key.parent)} p where ${matches})`.execute(
      db.kysely,
    );
    if (Number(rows[0]!.n) > 0)
      problems.push(`${rows[0]!.n} rows of ${key.child} name a missing ${key.parent}`);
  }
  let checks = `every foreign key (${keys.length}) by query`;
  try {
    await sql`create extension if not exists amcheck`.execute(db.kysely);
    const { rows: indexes } = await sql<{ name: string }>`
      select c.oid::regclass::text as name from pg_index i join pg_class c on c.oid = i.indexrelid
      join pg_am am on am.oid = c.relam
      where am.amname = 'btree' and c.relnamespace = current_schema()::regnamespace`.execute(db.kysely);
    for (const { name } of indexes) {
      try {
        await sql`select bt_index_check(${name}::regclass, true)`.execute(db.kysely);
      } catch (error) {
        problems.push(`amcheck ${name}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    checks += `, amcheck bt_index_check with heapallindexed on ${indexes.length} indexes`;
  } catch (error) {
    checks += ` (amcheck not available: ${error instanceof Error ? error.message : String(error)})`;
  }
  return { problems, checks };
}

async function lostWrites(db: Db, acknowledged: Acknowledged[]): Promise<Acknowledged[]> {
  const lost: Acknowledged[] = [];
  for (let i = 0; i < acknowledged.length; i += 500) {
    const batch = acknowledged.slice(i, i + 500);
    const actionIds = batch.filter((a) => a.kind === 'action').map((a) => a.id);
    const updateIds = batch.filter((a) => a.kind === 'update').map((a) => a.id);
    const actions = actionIds.length
      ? await db.kysely
          .selectFrom('actions')
          .select(['id', 'title as text'])
          .where('id', 'in', actionIds)
          .execute()
      : [];
    const updates = updateIds.length
      ? await db.kysely
          .selectFrom('updates')
          .select(['id', 'body as text'])
          .where('id', 'in', updateIds)
          .execute()
      : [];
    // An action's creation is kept in its history in the same transaction: both must be there.
    const created = actionIds.length
      ? await db.kysely
          .selectFrom('history')
          .select('record_id')
          .where('record_type', '=', 'action')
          .where('change', '=', 'create')
          .where('record_id', 'in', actionIds)
          .execute()
      : [];
    const found = new Map([...actions, ...updates].map((row) => [row.id, row.text]));
    const withHistory = new Set(created.map((row) => row.record_id));
    for (const write of batch) {
      const text = found.get(write.id);
      const whole =
        text !== undefined &&
        text.includes(write.text) &&
        (write.kind === 'update' || withHistory.has(write.id));
      if (!whole) lost.push(write);
    }
  }
  return lost;
}
